/**
 * Activates or deactivates a provider or an operatory, with its other changes, in one transaction
 * guarded like a schedule change (schedule-guard.ts): bookings after it see the new `is_active`,
 * and a deactivation is refused (409 has-appointments, naming each) while future live appointments
 * use the resource — including one booked between this read and this write, which fails the guard
 * and is found on the next read.
 */
import { namedTransaction, type TransactItem } from '../db/operations.ts';
import { readOrg } from '../db/repositories/orgs.ts';
import { again, withRetries } from '../db/retry.ts';
import { nowIso } from '../db/timestamps.ts';
import { hasAppointments, notFound } from '../errors.ts';
import { busy } from './practice-rules.ts';
import { GUARD_ATTEMPTS, guardBackoff, type Resource } from './schedule-guard.ts';
import { liveAppointmentsHolding } from './schedule-impact.ts';

export type ActivatedResource<R> = {
  resource: Resource;
  id: string;
  read: () => Promise<R | undefined>;
  /** The guarded update of the resource as read, setting `set`. */
  guard: (seen: R, set: Record<string, unknown>) => TransactItem;
};

export async function changeActive<R extends { is_active: boolean }>(
  orgId: string,
  target: ActivatedResource<R>,
  changes: Record<string, string | boolean | undefined>,
  active: boolean,
  missing: string,
): Promise<R> {
  return withRetries({ attempts: GUARD_ATTEMPTS, pause: guardBackoff, exhausted: busy }, async () => {
    const [record, org] = await Promise.all([target.read(), readOrg(orgId)]);
    if (!record || !org) throw notFound(missing);
    if (!active && record.is_active) {
      const now = Date.now();
      const horizon = { start: now, end: now + (org.booking_horizon_days + 1) * 86_400_000 };
      const future = await liveAppointmentsHolding(orgId, target.resource, target.id, horizon, org.lock_granule_minutes);
      if (future.length > 0) {
        throw hasAppointments(target.resource, future.map((f) => ({ resource: target.resource, resource_uuid: target.id, appointment_uuid: f.uuid, slot_start: f.first_granule })));
      }
    }
    const set = { ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined && v !== null)), is_active: active, updated_at: nowIso() };
    const tx = namedTransaction([['guard', target.guard(record, set)]]);
    try {
      await tx.commit();
      return { ...record, ...set };
    } catch (error) {
      if (!tx.cancellation(error)) throw error;
      // The guard failed: a booking took time of the resource meanwhile (or the item went away).
      return again();
    }
  });
}
