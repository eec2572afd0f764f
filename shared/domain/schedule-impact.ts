/**
 * What a schedule change does to the appointments already booked: the live appointments a time off
 * overlaps, that working hours leave outside, or that keep a provider or chair from being
 * deactivated. Read from the resource's slot locks (strongly consistent, so exactly the bookings
 * committed before the read) and the appointment items they name; the change's transaction then
 * guards against bookings committed after the read (schedule-guard.ts).
 */
import { keys } from '../db/keys.ts';
import { getMany, type Item } from '../db/operations.ts';
import type { Interval } from '../time/local-day.ts';
import { toWallClock } from '../time/wall-clock.ts';
import { holdersIn, type Resource } from './schedule-guard.ts';

/** Statuses of an appointment that still holds its time (not cancelled, no-show or completed). */
export const LIVE_STATUSES: ReadonlySet<string> = new Set(['scheduled', 'confirmed', 'arrived']);

export type AffectedAppointment = { uuid: string; scheduled_start: string; scheduled_end: string; status: string };

export type HeldAppointment = Item & { uuid: string; start_utc: string; end_utc: string; first_granule: string };

/** The live appointments holding time of a resource that overlaps `range`, by start. */
export async function liveAppointmentsHolding(orgId: string, resource: Resource, resourceId: string, range: Interval, lockMinutes: number): Promise<HeldAppointment[]> {
  const holders = await holdersIn(orgId, resource, resourceId, range, lockMinutes);
  if (holders.size === 0) return [];
  const get = await getMany([...holders.keys()].map((id) => keys.appointment(orgId, id)));
  const found: HeldAppointment[] = [];
  for (const [id, granule] of holders) {
    const item = get(keys.appointment(orgId, id));
    if (!item || !LIVE_STATUSES.has(item.status as string)) continue;
    const span = { start: Date.parse(item.start_utc as string), end: Date.parse(item.end_utc as string) };
    if (span.start < range.end && span.end > range.start) found.push({ ...item, uuid: id, start_utc: item.start_utc as string, end_utc: item.end_utc as string, first_granule: granule });
  }
  return found.sort((a, b) => a.start_utc.localeCompare(b.start_utc) || a.uuid.localeCompare(b.uuid));
}

/** An appointment as a schedule change reports it: wall-clock times at its location. */
export function toAffected(item: Item): AffectedAppointment {
  const zone = item.time_zone as string;
  return {
    uuid: item.uuid as string,
    scheduled_start: toWallClock(item.start_utc as string, zone),
    scheduled_end: toWallClock(item.end_utc as string, zone),
    status: item.status as string,
  };
}
