/**
 * Slot locks: one item per resource (provider, operatory) and lock granule, keyed by the granule's
 * UTC start, holding the appointment's uuid. They are what makes double booking impossible:
 * - taking a lock is a Put conditioned on `attribute_not_exists(pk)`, returning the holder on failure
 *   (ReturnValuesOnConditionCheckFailure: ALL_OLD), so a 409 can name it without another read;
 * - releasing one is a Delete conditioned on still belonging to the appointment (or being gone
 *   already, e.g. expired by TTL), so one appointment can never free another's time.
 * Every change of an appointment's time, provider or operatory takes and releases exactly the
 * difference, in the same transaction as the appointment itself.
 */
import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { tableName } from '../db/client.ts';
import { keys } from '../db/keys.ts';
import { conditionFailureItem, type Item, type Key } from '../db/operations.ts';
import type { Conflict } from '../errors.ts';
import { granuleId, granuleStarts, maxDurationMinutes } from '../time/granules.ts';

/** Locks outlive their appointment's end by at least this long, then TTL removes them. */
export const RETENTION_SECONDS = 24 * 3600;

/**
 * A lock's expiry: its granule's start + the longest appointment + the retention. Any appointment
 * holding the granule covers it, so ends at most the longest appointment after it: the lock never
 * expires before its appointment's end + the retention — also after moves, which keep the locks the
 * old and new windows share without rewriting them.
 */
export function lockExpiry(granule: string, lockMinutes: number): number {
  return Math.floor(Date.parse(granule) / 1000) + maxDurationMinutes(lockMinutes) * 60 + RETENTION_SECONDS;
}

export type LockRef = { key: Key; resource: Conflict['resource']; resourceId: string; granule: string };
export type LockPlan = { providerId: string; operatoryId: string; granules: readonly string[] };

export function lockRefs(orgId: string, plan: LockPlan): LockRef[] {
  return [
    ...plan.granules.map((g) => ({ key: keys.providerSlot(orgId, plan.providerId, g), resource: 'provider' as const, resourceId: plan.providerId, granule: g })),
    ...plan.granules.map((g) => ({ key: keys.operatorySlot(orgId, plan.operatoryId, g), resource: 'operatory' as const, resourceId: plan.operatoryId, granule: g })),
  ];
}

/** The locks an appointment item holds (from its stored window, resources and lock unit). */
export function locksOf(orgId: string, appointment: Item): LockRef[] {
  const lock = (appointment.lock_granule_minutes ?? appointment.granularity_minutes) as number;
  const granules = granuleStarts(Date.parse(appointment.start_utc as string), Date.parse(appointment.end_utc as string), lock).map(granuleId);
  return lockRefs(orgId, { providerId: appointment.provider_uuid as string, operatoryId: appointment.operatory_uuid as string, granules });
}

const id = (ref: LockRef) => `${ref.key.pk}\u0000${ref.key.sk}`;

/** What a change must release and take: only the difference, so a move never conflicts with itself. */
export function lockDifference(before: LockRef[], after: LockRef[]): { release: LockRef[]; take: LockRef[] } {
  const had = new Set(before.map(id));
  const will = new Set(after.map(id));
  return { release: before.filter((r) => !will.has(id(r))), take: after.filter((r) => !had.has(id(r))) };
}

export function takeLock(ref: LockRef, appointmentId: string, lockMinutes: number) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...ref.key,
        entity: 'slot',
        resource_type: ref.resource,
        resource_uuid: ref.resourceId,
        appointment_uuid: appointmentId,
        expires_at: lockExpiry(ref.granule, lockMinutes),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  };
}

export function releaseLock(ref: LockRef, appointmentId: string) {
  return {
    Delete: {
      TableName: tableName,
      Key: ref.key,
      ConditionExpression: 'attribute_not_exists(pk) OR appointment_uuid = :appointment',
      ExpressionAttributeValues: { ':appointment': appointmentId },
    },
  };
}

/** The locks that stood in the way of a cancelled transaction, one per resource (its first granule). */
export function conflictsOf(error: TransactionCanceledException): Conflict[] {
  const byResource = new Map<string, Conflict>();
  for (const reason of error.CancellationReasons ?? []) {
    if (reason.Code !== 'ConditionalCheckFailed') continue;
    const held = conditionFailureItem(reason.Item);
    if (!held || held.entity !== 'slot') continue;
    const conflict: Conflict = {
      resource: held.resource_type as Conflict['resource'],
      resource_uuid: held.resource_uuid as string,
      appointment_uuid: held.appointment_uuid as string,
      slot_start: held.sk as string,
    };
    const key = `${conflict.resource}:${conflict.resource_uuid}`;
    const seen = byResource.get(key);
    if (!seen || conflict.slot_start < seen.slot_start) byResource.set(key, conflict);
  }
  return [...byResource.values()];
}
