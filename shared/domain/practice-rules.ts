/** What the practice-setup entities (settings, locations, operatories, providers, types) share. */
import { ApiError } from '../errors.ts';

/** How many times a read-check-write is retried when a concurrent change got in between. */
export const OPTIMISTIC_ATTEMPTS = 3;

export const byName = (a: { name: string; uuid: string }, b: { name: string; uuid: string }) => a.name.localeCompare(b.name) || a.uuid.localeCompare(b.uuid);

export const busy = () => new ApiError('unavailable', 'The item kept changing while it was being updated; retry the request.');
