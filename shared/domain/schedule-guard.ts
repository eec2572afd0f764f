/**
 * Schedule guards: how a booking and a change of the schedule it relies on see each other inside
 * their transactions, whatever the order and concurrency.
 *
 * Every provider and operatory item carries two counters:
 * - `schedule_version`, raised by each change a booking relies on: new time off of the resource, its
 *   working hours, its `is_active` (and a provider's `can_examine`);
 * - `booking_version`, raised by each booking or move that takes time of the resource.
 *
 * A booking's transaction updates the resource item with `ADD booking_version 1`, on condition that
 * the resource is active and its `schedule_version` is the one the booking read its hours and time
 * off under. A schedule change's transaction does `ADD schedule_version 1`, on condition that
 * `booking_version` is the one it read the resource's appointments under. So whichever commits
 * second sees the first: a booking after a time off is refused (it reads again and answers 422),
 * and a time off after a booking lists it in `affected_appointments`.
 *
 * Reads of the resource items are strongly consistent (operations.getMany), so a retry after a
 * failed guard sees the change that failed it. The guard items themselves are built by
 * shared/db/repositories/schedule-guards.ts.
 */
import { locksBetween, type Resource } from '../db/repositories/slot-locks.ts';
import type { GuardedState } from '../db/repositories/schedule-guards.ts';
import { granuleId } from '../time/granules.ts';
import type { Interval } from '../time/local-day.ts';

export type { Resource };

/**
 * How often a booking or a schedule change is read and tried again after its guard failed. Guards
 * are per resource, so a busy provider's bookings can fail a time off's guard a few times in a row:
 * the jittered, growing pause lets them pass (about a second in all at most).
 */
export const GUARD_ATTEMPTS = 6;

export function guardBackoff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.random() * Math.min(400, 25 * 2 ** attempt)));
}

/**
 * The time off of a resource, kept on its item (`time_off`: time-off uuid → `startUtc/endUtc`) so a
 * booking reads it with the resource in its one batch read — no query per resource. Written by the
 * time-off change's guarded update, which also conditions on `schedule_version`, so two changes of
 * one resource's time off never overwrite each other.
 */
export function timeOffOf(resource: GuardedState | undefined): (Interval & { uuid: string })[] {
  return Object.entries(resource?.time_off ?? {}).map(([uuid, span]) => {
    const [start, end] = span.split('/');
    return { uuid, start: Date.parse(start!), end: Date.parse(end!) };
  });
}

/** The `time_off` map after adding (`[start, end]`) or removing (`undefined`) one entry, without ended ones. */
export function timeOffMap(resource: GuardedState, change: { uuid: string; span?: [string, string] }, now: Date): Record<string, string> {
  const kept = Object.entries(resource.time_off).filter(([uuid, span]) => uuid !== change.uuid && Date.parse(span.split('/')[1]!) > now.getTime());
  return Object.fromEntries([...kept, ...(change.span ? [[change.uuid, change.span.join('/')]] : [])]);
}

/**
 * The appointments holding time of a resource in [range.start, range.end): one strongly consistent
 * Query of its slot locks (granules starting after range.start − one lock unit), distinct by
 * appointment, with the first granule each holds in the range. Bounded by the range: callers limit it
 * (time off to MAX_TIME_OFF_DAYS, deactivation to the booking horizon).
 */
export async function holdersIn(orgId: string, resource: Resource, resourceId: string, range: Interval, lockMinutes: number) {
  const held = await locksBetween(orgId, resource, resourceId, granuleId(range.start - lockMinutes * 60_000 + 1), granuleId(range.end - 1), { consistent: true, withHolder: true });
  const first = new Map<string, string>();
  for (const { granule, appointment_uuid: appointment } of held) {
    const start = Date.parse(granule);
    if (start + lockMinutes * 60_000 <= range.start || start >= range.end || appointment === undefined) continue;
    if (!first.has(appointment) || granule < first.get(appointment)!) first.set(appointment, granule);
  }
  return first;
}
