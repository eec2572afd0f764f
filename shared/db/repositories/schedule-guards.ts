/**
 * The schedule-guard items of provider and operatory transactions (the rules are in
 * shared/domain/schedule-guard.ts): `bookingGuard` raises `booking_version` on condition that the
 * resource is active under the `schedule_version` read; `scheduleChangeGuard` raises
 * `schedule_version` on condition that `booking_version` is the one read.
 */
import { tableName } from '../client.ts';
import type { Item, Key, TransactItem } from '../operations.ts';
import { updateExpression } from '../update-expression.ts';

/** What every provider and operatory item carries for its guards. */
export type GuardedState = {
  schedule_version?: number;
  booking_version?: number;
  /** Time off on the resource item: time-off uuid → `startUtc/endUtc`. */
  time_off: Readonly<Record<string, string>>;
};

export function guardedState(item: Item): GuardedState {
  return {
    ...(typeof item.schedule_version === 'number' ? { schedule_version: item.schedule_version } : {}),
    ...(typeof item.booking_version === 'number' ? { booking_version: item.booking_version } : {}),
    time_off: (item.time_off ?? {}) as Record<string, string>,
  };
}

/** A versioned attribute as read: `undefined` means the item never had it. */
const versionCondition = (attribute: string, placeholder: string, seen: unknown) =>
  seen === undefined ? `attribute_not_exists(${attribute})` : `${attribute} = ${placeholder}`;

/** The guard a booking or move puts on a resource it takes time of. */
export function bookingGuard(key: Key, seen: GuardedState): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: key,
      ...updateExpression({}, {
        add: ['booking_version :one'],
        values: { ':one': 1, ':true': true, ...(seen.schedule_version === undefined ? {} : { ':schedule': seen.schedule_version }) },
      }),
      ConditionExpression: `is_active = :true AND ${versionCondition('schedule_version', ':schedule', seen.schedule_version)}`,
    },
  };
}

/**
 * The guard a schedule change puts on its resource: no booking took time of it since `seen` was
 * read (and, with `sameSchedule`, no other schedule change either). `set` adds attribute changes of
 * the resource itself (e.g. `is_active`, `time_off`) to the same update.
 */
export function scheduleChangeGuard(key: Key, seen: GuardedState, set: Record<string, unknown> = {}, options: { sameSchedule?: boolean } = {}): TransactItem {
  const update = updateExpression(set, {
    add: ['schedule_version :one'],
    values: {
      ':one': 1,
      ...(seen.booking_version === undefined ? {} : { ':booking': seen.booking_version }),
      ...(options.sameSchedule && seen.schedule_version !== undefined ? { ':schedule': seen.schedule_version } : {}),
    },
  });
  return {
    Update: {
      TableName: tableName,
      Key: key,
      ...update,
      ConditionExpression: [
        'attribute_exists(pk)',
        versionCondition('booking_version', ':booking', seen.booking_version),
        ...(options.sameSchedule ? [versionCondition('schedule_version', ':schedule', seen.schedule_version)] : []),
      ].join(' AND '),
    },
  };
}

/**
 * A resource's new time-off map alone (a time off deleted), raising `schedule_version` on condition
 * that no other schedule change rewrote the map since `seen` was read.
 */
export function timeOffMapChange(key: Key, seen: GuardedState, map: Record<string, string>): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: key,
      ...updateExpression({}, {
        set: ['time_off = :map'],
        add: ['schedule_version :one'],
        values: { ':map': map, ':one': 1, ...(seen.schedule_version === undefined ? {} : { ':seen': seen.schedule_version }) },
      }),
      ConditionExpression: seen.schedule_version === undefined ? 'attribute_not_exists(schedule_version)' : 'schedule_version = :seen',
    },
  };
}

/** Raises a resource's `schedule_version` (hours loaded without the checks of a PUT); the item must exist. */
export function raiseScheduleVersion(key: Key): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: key,
      ...updateExpression({}, { add: ['schedule_version :one'], values: { ':one': 1 } }),
      ConditionExpression: 'attribute_exists(pk)',
    },
  };
}
