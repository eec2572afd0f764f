/**
 * Schedule guards: how a booking and a change of the schedule it relies on see each other inside
 * their transactions, whatever the order and concurrency.
 *
 * Every provider and operatory item carries two counters:
 * - `schedule_version`, raised by each change a booking relies on: new time off of the resource, its
 *   working hours, its `is_active`;
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
 * failed guard sees the change that failed it.
 */
import { tableName } from '../db/client.ts';
import { queryAll, type Item, type Key } from '../db/operations.ts';
import { keys } from '../db/keys.ts';
import { granuleId } from '../time/granules.ts';
import type { Interval } from '../time/local-day.ts';

export type Resource = 'provider' | 'operatory';

/**
 * How often a booking or a schedule change is read and tried again after its guard failed. Guards
 * are per resource, so a busy provider's bookings can fail a time off's guard a few times in a row:
 * the jittered, growing pause lets them pass (about a second in all at most).
 */
export const GUARD_ATTEMPTS = 6;

export function guardBackoff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.random() * Math.min(400, 25 * 2 ** attempt)));
}

/** A versioned attribute as read: `undefined` means the item never had it. */
const versionCondition = (attribute: string, placeholder: string, seen: unknown) =>
  seen === undefined ? `attribute_not_exists(${attribute})` : `${attribute} = ${placeholder}`;

/** The guard a booking or move puts on a resource it takes time of. */
export function bookingGuard(key: Key, seen: Item) {
  return {
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: 'ADD booking_version :one',
      ConditionExpression: `is_active = :true AND ${versionCondition('schedule_version', ':schedule', seen.schedule_version)}`,
      ExpressionAttributeValues: {
        ':one': 1,
        ':true': true,
        ...(seen.schedule_version === undefined ? {} : { ':schedule': seen.schedule_version }),
      },
    },
  };
}

/**
 * The time off of a resource, kept on its item (`time_off`: time-off uuid → `startUtc/endUtc`) so a
 * booking reads it with the resource in its one batch read — no query per resource. Written by the
 * time-off change's guarded update, which also conditions on `schedule_version`, so two changes of
 * one resource's time off never overwrite each other.
 */
export function timeOffOf(item: Item | undefined): (Interval & { uuid: string })[] {
  const map = (item?.time_off ?? {}) as Record<string, string>;
  return Object.entries(map).map(([uuid, span]) => {
    const [start, end] = span.split('/');
    return { uuid, start: Date.parse(start!), end: Date.parse(end!) };
  });
}

/** The `time_off` map after adding (`[start, end]`) or removing (`undefined`) one entry, without ended ones. */
export function timeOffMap(item: Item, change: { uuid: string; span?: [string, string] }, now: Date): Record<string, string> {
  const kept = Object.entries((item.time_off ?? {}) as Record<string, string>).filter(([uuid, span]) => uuid !== change.uuid && Date.parse(span.split('/')[1]!) > now.getTime());
  return Object.fromEntries([...kept, ...(change.span ? [[change.uuid, change.span.join('/')]] : [])]);
}

/**
 * The guard a schedule change puts on its resource: no booking took time of it since `seen` was
 * read (and, with `sameSchedule`, no other schedule change either). `set` adds attribute changes of
 * the resource itself (e.g. `is_active`, `time_off`) to the same update.
 */
export function scheduleChangeGuard(key: Key, seen: Item, set: Record<string, unknown> = {}, options: { sameSchedule?: boolean } = {}) {
  const names = Object.fromEntries(Object.keys(set).map((k, i) => [`#s${i}`, k]));
  const values = Object.fromEntries(Object.keys(set).map((k, i) => [`:s${i}`, set[k]]));
  const assignments = Object.keys(set).map((_, i) => `#s${i} = :s${i}`);
  return {
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: `${assignments.length > 0 ? `SET ${assignments.join(', ')} ` : ''}ADD schedule_version :one`,
      ConditionExpression: [
        'attribute_exists(pk)',
        versionCondition('booking_version', ':booking', seen.booking_version),
        ...(options.sameSchedule ? [versionCondition('schedule_version', ':schedule', seen.schedule_version)] : []),
      ].join(' AND '),
      ...(assignments.length > 0 ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: {
        ...values,
        ':one': 1,
        ...(seen.booking_version === undefined ? {} : { ':booking': seen.booking_version }),
        ...(options.sameSchedule && seen.schedule_version !== undefined ? { ':schedule': seen.schedule_version } : {}),
      },
    },
  };
}

/** The slot-lock partition of a resource. */
export function slotPartition(orgId: string, resource: Resource, resourceId: string): string {
  return resource === 'provider' ? keys.providerSlots(orgId, resourceId).pk : keys.operatorySlots(orgId, resourceId).pk;
}

/**
 * The appointments holding time of a resource in [range.start, range.end): one strongly consistent
 * Query of its slot locks (granules starting after range.start − one lock unit), distinct by
 * appointment, with the first granule each holds in the range. Bounded by the range: callers limit it
 * (time off to MAX_TIME_OFF_DAYS, deactivation to the booking horizon).
 */
export async function holdersIn(orgId: string, resource: Resource, resourceId: string, range: Interval, lockMinutes: number) {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': slotPartition(orgId, resource, resourceId),
      ':from': granuleId(range.start - lockMinutes * 60_000 + 1),
      ':to': granuleId(range.end - 1),
    },
    ProjectionExpression: 'sk, appointment_uuid',
    ConsistentRead: true,
  });
  const first = new Map<string, string>();
  for (const item of items) {
    const granule = item.sk as string;
    const start = Date.parse(granule);
    if (start + lockMinutes * 60_000 <= range.start || start >= range.end) continue;
    const appointment = item.appointment_uuid as string;
    if (!first.has(appointment) || granule < first.get(appointment)!) first.set(appointment, granule);
  }
  return first;
}
