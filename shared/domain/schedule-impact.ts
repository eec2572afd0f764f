/**
 * What a schedule change does to the appointments already booked: the live appointments a time off
 * overlaps, that working hours leave outside, or that keep a provider or chair from being
 * deactivated. Read from the resource's slot locks (strongly consistent, so exactly the bookings
 * committed before the read) and the appointment items they name; the change's transaction then
 * guards against bookings committed after the read (schedule-guard.ts).
 */
import { readList } from '../db/refs.ts';
import { appointmentRef, type AppointmentRecord } from '../db/repositories/appointments.ts';
import type { AffectedRecord } from '../db/repositories/time-off.ts';
import type { Interval } from '../time/local-day.ts';
import { toWallClock } from '../time/wall-clock.ts';
import { holdersIn, type Resource } from './schedule-guard.ts';

/** Statuses of an appointment that still holds its time (not cancelled, no-show or completed). */
export const LIVE_STATUSES: ReadonlySet<string> = new Set(['scheduled', 'confirmed', 'arrived']);

export type AffectedAppointment = AffectedRecord;

export type HeldAppointment = AppointmentRecord & { first_granule: string };

/** The live appointments holding time of a resource that overlaps `range`, by start. */
export async function liveAppointmentsHolding(orgId: string, resource: Resource, resourceId: string, range: Interval, lockMinutes: number): Promise<HeldAppointment[]> {
  const holders = await holdersIn(orgId, resource, resourceId, range, lockMinutes);
  if (holders.size === 0) return [];
  const ids = [...holders.keys()];
  const records = await readList(ids.map((id) => appointmentRef(orgId, id)));
  const found: HeldAppointment[] = [];
  records.forEach((record, i) => {
    const id = ids[i]!;
    if (!record || !LIVE_STATUSES.has(record.status)) return;
    const span = { start: Date.parse(record.start_utc), end: Date.parse(record.end_utc) };
    if (span.start < range.end && span.end > range.start) found.push({ ...record, uuid: id, first_granule: holders.get(id)! });
  });
  return found.sort((a, b) => a.start_utc.localeCompare(b.start_utc) || a.uuid.localeCompare(b.uuid));
}

/** An appointment as a schedule change reports it: wall-clock times at its location. */
export function toAffected(record: AppointmentRecord): AffectedAppointment {
  const zone = record.time_zone;
  return {
    uuid: record.uuid,
    scheduled_start: toWallClock(record.start_utc, zone),
    scheduled_end: toWallClock(record.end_utc, zone),
    status: record.status,
  };
}
