/**
 * `GET /schedule/availability` in two stages of reads, however long the range: (1) one BatchGetItem
 * for the org, location, type and provider, with one Query for the providers and one for the
 * location's operatories — whose items carry their time off; (2) one BatchGetItem for the
 * providers' hours and one Query of held slot locks per provider and per operatory, all at once.
 * Then `openWindows` (pure, unit-tested) decides.
 */
import { readList, readMany } from '../db/refs.ts';
import { appointmentTypeRef } from '../db/repositories/appointment-types.ts';
import { locationRef } from '../db/repositories/locations.ts';
import type { OperatoryRecord } from '../db/repositories/operatories.ts';
import { orgRef } from '../db/repositories/orgs.ts';
import { listProviderRecords, providerRef, type ProviderRecord } from '../db/repositories/providers.ts';
import { locksBetween, type Resource } from '../db/repositories/slot-locks.ts';
import { workingHoursRef } from '../db/repositories/working-hours.ts';
import { unprocessable, type FieldError } from '../errors.ts';
import { granuleId, maxDurationMinutes } from '../time/granules.ts';
import { instantOfLocalTime, type Interval } from '../time/local-day.ts';
import { formatWallClock } from '../time/wall-clock.ts';
import { addDays } from '../time/local-day.ts';
import { zonedAt } from '../time/zones.ts';
import { openWindows } from './availability.ts';
import { activeOperatories } from './operatories.ts';
import { intervalsOf } from './working-hours.ts';
import { timeOffOf } from './schedule-guard.ts';
import { examinerFits } from './bookable.ts';

type AvailabilityQuery = {
  location_uuid: string;
  appointment_type_uuid: string;
  date_from: string;
  date_to: string;
  provider_uuid?: string;
  duration_minutes?: number;
};

/** Starts (epoch ms) of the slot locks a resource holds in the range: one Query. */
async function heldGranules(orgId: string, resource: Resource, resourceId: string, range: Interval): Promise<Set<number>> {
  const held = await locksBetween(orgId, resource, resourceId, granuleId(range.start - 3600_000), granuleId(range.end));
  return new Set(held.map((l) => Date.parse(l.granule)));
}

async function activeProviders(orgId: string): Promise<ProviderRecord[]> {
  return (await listProviderRecords(orgId)).filter((p) => p.is_active);
}

export async function getAvailability(orgId: string, query: AvailabilityQuery, now: Date = new Date()) {
  // One stage: the references, the providers (unless one is named) and the location's chairs —
  // provider and operatory items carry their time off (schedule-guard.ts).
  const [found, everyProvider, operatories] = await Promise.all([
    readMany({
      org: orgRef(orgId),
      location: locationRef(orgId, query.location_uuid),
      type: appointmentTypeRef(orgId, query.appointment_type_uuid),
      provider: query.provider_uuid ? providerRef(orgId, query.provider_uuid) : undefined,
    }),
    query.provider_uuid ? Promise.resolve(undefined) : activeProviders(orgId),
    activeOperatories(orgId, query.location_uuid),
  ]);
  const { org, location, type } = found;
  const chosen = found.provider;
  const errors: FieldError[] = [];
  if (!location) errors.push({ path: 'query.location_uuid', message: 'no location with this uuid' });
  if (!type) errors.push({ path: 'query.appointment_type_uuid', message: 'no appointment type with this uuid' });
  else if (type.is_active !== true) errors.push({ path: 'query.appointment_type_uuid', message: 'the appointment type is archived' });
  if (query.provider_uuid && !chosen) errors.push({ path: 'query.provider_uuid', message: 'no provider with this uuid' });
  else if (chosen && chosen.is_active !== true) errors.push({ path: 'query.provider_uuid', message: 'the provider is inactive' });
  else if (chosen && type && !examinerFits(type, chosen)) errors.push({ path: 'query.provider_uuid', message: 'the provider cannot examine and the appointment type requires an exam' });
  if (!org) errors.push({ path: 'path.org_id', message: 'no such organisation' });
  if (errors.length > 0) throw unprocessable('The availability request refers to something that does not exist or cannot be booked.', errors);

  const zone = location!.time_zone;
  const granularity = org!.slot_granularity_minutes;
  const lockGranule = org!.lock_granule_minutes;
  const duration = query.duration_minutes ?? type!.duration_minutes;
  if (duration % granularity !== 0 || duration > maxDurationMinutes(lockGranule)) {
    throw unprocessable(`Windows are whole multiples of the ${granularity}-minute grid, at most ${maxDurationMinutes(lockGranule)} minutes.`, [
      { path: query.duration_minutes ? 'query.duration_minutes' : 'query.appointment_type_uuid', message: `duration ${duration} does not fit the grid` },
    ]);
  }

  const range = { start: instantOfLocalTime(query.date_from, '00:00', zone), end: instantOfLocalTime(query.date_to, '24:00', zone) };
  // Intervals are computed from the day before: a shift that starts late can run past midnight.
  const dayBefore = addDays(query.date_from, -1);
  // Rule 0 of bookable.ts: a type that requires an exam is offered only with providers who can examine.
  const providers = chosen ? [chosen] : everyProvider!.filter((p) => examinerFits(type!, p));
  // The second stage: the providers' hours here, and every provider's and chair's taken slots.
  const [hours, providerHeld, operatoryHeld] = await Promise.all([
    readList(providers.map((p) => workingHoursRef(orgId, p.uuid, query.location_uuid))),
    Promise.all(providers.map((p) => heldGranules(orgId, 'provider', p.uuid, range))),
    Promise.all(operatories.map((o) => heldGranules(orgId, 'operatory', o.uuid, range))),
  ]);
  const overlapping = (resource: ProviderRecord | OperatoryRecord) => timeOffOf(resource).filter((t) => t.start < range.end && t.end > range.start);
  const providerSchedules = providers
    .map((p, i) => ({
      uuid: p.uuid,
      working: intervalsOf(hours[i], dayBefore, query.date_to, zone)
        .map((w) => ({ start: Math.max(w.start, range.start), end: Math.min(w.end, range.end) }))
        .filter((w) => w.end > w.start),
      timeOff: overlapping(p),
      held: providerHeld[i]!,
    }))
    .filter((p) => p.working.length > 0);
  const operatorySchedules = operatories.map((o, i) => ({ uuid: o.uuid, timeOff: overlapping(o), held: operatoryHeld[i]! }));

  const windows = openWindows({
    zone,
    granularityMinutes: granularity,
    lockGranuleMinutes: lockGranule,
    durationMinutes: duration,
    earliestStart: now.getTime(),
    latestStart: now.getTime() + org!.booking_horizon_days * 86_400_000,
    providers: providerSchedules,
    operatories: operatorySchedules,
  });
  const providerById = new Map(providers.map((p) => [p.uuid, p]));
  const operatoryById = new Map(operatories.map((o) => [o.uuid, o]));
  const items = windows.map((w) => {
    const p = providerById.get(w.provider_uuid)!;
    return {
      scheduled_start: formatWallClock(zonedAt(w.start, zone)),
      scheduled_end: formatWallClock(zonedAt(w.end, zone)),
      provider: { uuid: p.uuid, first_name: p.first_name, last_name: p.last_name, title: p.title },
      operatories: w.operatory_uuids.map((id) => ({ uuid: id, name: operatoryById.get(id)!.name })),
    };
  });
  return { location_uuid: query.location_uuid, time_zone: zone, appointment_type_uuid: query.appointment_type_uuid, duration_minutes: duration, items, total: items.length };
}
