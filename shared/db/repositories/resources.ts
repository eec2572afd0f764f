/**
 * Providers and operatories alike, as the resources that bookings take time of and that schedule
 * changes (time off, deactivation) guard (schedule-guards.ts).
 */
import { keys } from '../keys.ts';
import type { Key, TransactItem } from '../operations.ts';
import type { Ref } from '../refs.ts';
import { operatoryRef } from './operatories.ts';
import { providerRef } from './providers.ts';
import { scheduleChangeGuard, timeOffMapChange, type GuardedState } from './schedule-guards.ts';
import type { Resource } from './slot-locks.ts';

export type ResourceId = { resource: Resource; resourceId: string; /** The operatory's location. */ locationId: string };

export type ResourceRecord = GuardedState & { uuid: string; is_active: boolean };

const keyOf = (orgId: string, id: ResourceId): Key =>
  id.resource === 'provider' ? keys.provider(orgId, id.resourceId) : keys.operatory(orgId, id.locationId, id.resourceId);

export const resourceRef = (orgId: string, id: ResourceId): Ref<ResourceRecord> =>
  id.resource === 'provider' ? providerRef(orgId, id.resourceId) : operatoryRef(orgId, id.locationId, id.resourceId);

export const resourceScheduleChange = (orgId: string, id: ResourceId, seen: GuardedState, set: Record<string, unknown> = {}, options: { sameSchedule?: boolean } = {}): TransactItem =>
  scheduleChangeGuard(keyOf(orgId, id), seen, set, options);

export const resourceTimeOffChange = (orgId: string, id: ResourceId, seen: GuardedState, map: Record<string, string>): TransactItem => timeOffMapChange(keyOf(orgId, id), seen, map);
