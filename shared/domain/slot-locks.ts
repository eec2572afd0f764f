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
import type { Cancellation } from '../db/operations.ts';
import { toSlotLockRecord, type LockRef } from '../db/repositories/slot-locks.ts';
import type { AppointmentRecord } from '../db/repositories/appointments.ts';
import type { Conflict } from '../errors.ts';
import { granuleId, granuleStarts } from '../time/granules.ts';

export { RETENTION_SECONDS } from '../db/repositories/slot-locks.ts';
export type { LockRef };

export type LockPlan = { providerId: string; operatoryId: string; granules: readonly string[] };

/** Every lock of a plan: each granule of the provider, then each of the operatory. */
export function lockRefs(plan: LockPlan): LockRef[] {
  return [
    ...plan.granules.map((g) => ({ resource: 'provider' as const, resourceId: plan.providerId, granule: g })),
    ...plan.granules.map((g) => ({ resource: 'operatory' as const, resourceId: plan.operatoryId, granule: g })),
  ];
}

/** The locks an appointment holds (from its stored window, resources and lock unit). */
export function locksOf(appointment: AppointmentRecord): LockRef[] {
  const granules = granuleStarts(Date.parse(appointment.start_utc), Date.parse(appointment.end_utc), appointment.lock_granule_minutes).map(granuleId);
  return lockRefs({ providerId: appointment.provider_uuid, operatoryId: appointment.operatory_uuid, granules });
}

const id = (ref: LockRef) => `${ref.resource}\u0000${ref.resourceId}\u0000${ref.granule}`;

/** What a change must release and take: only the difference, so a move never conflicts with itself. */
export function lockDifference(before: LockRef[], after: LockRef[]): { release: LockRef[]; take: LockRef[] } {
  const had = new Set(before.map(id));
  const will = new Set(after.map(id));
  return { release: before.filter((r) => !will.has(id(r))), take: after.filter((r) => !had.has(id(r))) };
}

/** The locks that stood in the way of a cancelled transaction, one per resource (its first granule). */
export function conflictsOf(cancelled: Cancellation<string>): Conflict[] {
  const byResource = new Map<string, Conflict>();
  for (const failure of cancelled.failures) {
    const held = toSlotLockRecord(failure.item);
    if (!held) continue;
    const conflict: Conflict = { resource: held.resource, resource_uuid: held.resource_uuid, appointment_uuid: held.appointment_uuid, slot_start: held.granule };
    const key = `${conflict.resource}:${conflict.resource_uuid}`;
    const seen = byResource.get(key);
    if (!seen || conflict.slot_start < seen.slot_start) byResource.set(key, conflict);
  }
  return [...byResource.values()];
}
