/**
 * Slot locks: one item per resource (provider, operatory) and lock granule, keyed by the granule's
 * UTC start, holding the appointment's uuid (the rules are in shared/domain/slot-locks.ts):
 * - taking a lock is a Put conditioned on `attribute_not_exists(pk)`, returning the holder on failure
 *   (ReturnValuesOnConditionCheckFailure: ALL_OLD), so a 409 can name it without another read;
 * - releasing one is a Delete conditioned on still belonging to the appointment (or being gone
 *   already, e.g. expired by TTL), so one appointment can never free another's time.
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { queryAll, type Item, type Key, type TransactItem } from '../operations.ts';
import { ref, type Ref } from '../refs.ts';
import { maxDurationMinutes } from '../../time/granules.ts';

export type Resource = 'provider' | 'operatory';

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

/** One lock: which resource's which granule. */
export type LockRef = { resource: Resource; resourceId: string; granule: string };

/** A lock as stored: its granule and the appointment holding it. */
export type SlotLockRecord = { resource: Resource; resource_uuid: string; granule: string; appointment_uuid: string };

const keyOf = (orgId: string, lock: LockRef): Key =>
  lock.resource === 'provider' ? keys.providerSlot(orgId, lock.resourceId, lock.granule) : keys.operatorySlot(orgId, lock.resourceId, lock.granule);

const partitionOf = (orgId: string, resource: Resource, resourceId: string) =>
  resource === 'provider' ? keys.providerSlots(orgId, resourceId).pk : keys.operatorySlots(orgId, resourceId).pk;

/** A stored lock item as a record; undefined for an item that is not a lock. */
export function toSlotLockRecord(item: Item | undefined): SlotLockRecord | undefined {
  if (!item || item.entity !== 'slot') return undefined;
  return {
    resource: item.resource_type as Resource,
    resource_uuid: item.resource_uuid as string,
    granule: item.sk as string,
    appointment_uuid: item.appointment_uuid as string,
  };
}

export const lockRef = (orgId: string, lock: LockRef): Ref<SlotLockRecord | undefined> => ref(keyOf(orgId, lock), toSlotLockRecord);

export function takeLock(orgId: string, lock: LockRef, appointmentId: string, lockMinutes: number): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keyOf(orgId, lock),
        entity: 'slot',
        resource_type: lock.resource,
        resource_uuid: lock.resourceId,
        appointment_uuid: appointmentId,
        expires_at: lockExpiry(lock.granule, lockMinutes),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

export function releaseLock(orgId: string, lock: LockRef, appointmentId: string): TransactItem {
  return {
    Delete: {
      TableName: tableName,
      Key: keyOf(orgId, lock),
      ConditionExpression: 'attribute_not_exists(pk) OR appointment_uuid = :appointment',
      ExpressionAttributeValues: { ':appointment': appointmentId },
    },
  };
}

export type HeldSlot = { granule: string; appointment_uuid: string | undefined };

/**
 * The locks of one resource with granules between `from` and `to` (inclusive): one Query of its lock
 * partition. `consistent` and `withHolder` (read the holding appointment too) as the caller needs.
 */
export async function locksBetween(
  orgId: string,
  resource: Resource,
  resourceId: string,
  from: string,
  to: string,
  options: { consistent?: boolean; withHolder?: boolean } = {},
): Promise<HeldSlot[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': partitionOf(orgId, resource, resourceId), ':from': from, ':to': to },
    ProjectionExpression: options.withHolder ? 'sk, appointment_uuid' : 'sk',
    ...(options.consistent ? { ConsistentRead: true } : {}),
  });
  return items.map((item) => ({ granule: item.sk as string, appointment_uuid: item.appointment_uuid as string | undefined }));
}
