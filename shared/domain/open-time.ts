/**
 * `GET /schedule/availability` in two stages of reads, however long the range: (1) one BatchGetItem
 * for the org, location, type and provider, with one Query for the providers and one for the
 * location's operatories — whose items carry their time off; (2) one BatchGetItem for the
 * providers' hours and one Query of held slot locks per provider and per operatory, all at once.
 * Then `openWindows` (pure, unit-tested) decides.
 */
import { keys } from '../db/keys.ts';
import { getMany, queryAll, type Item } from '../db/operations.ts';
import { unprocessable, type FieldError } from '../errors.ts';
import { granuleId, maxDurationMinutes } from '../time/granules.ts';
import { instantOfLocalTime, type Interval } from '../time/local-day.ts';
import { formatWallClock } from '../time/wall-clock.ts';
import { DateTime } from 'luxon';
import { openWindows } from './availability.ts';
import { activeOperatories } from './operatories.ts';
import { lockGranuleMinutes } from './settings.ts';
import { intervalsOf } from './working-hours.ts';
import { timeOffOf } from './schedule-guard.ts';

type AvailabilityQuery = {
  location_uuid: string;
  appointment_type_uuid: string;
  date_from: string;
  date_to: string;
  provider_uuid?: string;
  duration_minutes?: number;
};

/** Starts (epoch ms) of the slot locks a resource holds in the range: one Query. */
async function heldGranules(pk: string, range: Interval): Promise<Set<number>> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': pk, ':from': granuleId(range.start - 3600_000), ':to': granuleId(range.end) },
    ProjectionExpression: 'sk',
  });
  return new Set(items.map((i) => Date.parse(i.sk as string)));
}

async function activeProviders(orgId: string): Promise<Item[]> {
  const { pk, skPrefix } = keys.providers(orgId);
  const items = await queryAll({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': pk, ':p': skPrefix } });
  return items.filter((p) => p.is_active === true);
}

export async function getAvailability(orgId: string, query: AvailabilityQuery, now: Date = new Date()) {
  const k = {
    org: keys.org(orgId),
    location: keys.location(orgId, query.location_uuid),
    type: keys.appointmentType(orgId, query.appointment_type_uuid),
    provider: query.provider_uuid ? keys.provider(orgId, query.provider_uuid) : undefined,
  };
  // One stage: the references, the providers (unless one is named) and the location's chairs —
  // provider and operatory items carry their time off (schedule-guard.ts).
  const [get, everyProvider, operatories] = await Promise.all([
    getMany(Object.values(k).filter((v) => v !== undefined)),
    k.provider ? Promise.resolve(undefined) : activeProviders(orgId),
    activeOperatories(orgId, query.location_uuid),
  ]);
  const org = get(k.org);
  const location = get(k.location);
  const type = get(k.type);
  const chosen = k.provider ? get(k.provider) : undefined;
  const errors: FieldError[] = [];
  if (!location) errors.push({ path: 'query.location_uuid', message: 'no location with this uuid' });
  if (!type) errors.push({ path: 'query.appointment_type_uuid', message: 'no appointment type with this uuid' });
  else if (type.is_active !== true) errors.push({ path: 'query.appointment_type_uuid', message: 'the appointment type is archived' });
  if (k.provider && !chosen) errors.push({ path: 'query.provider_uuid', message: 'no provider with this uuid' });
  else if (chosen && chosen.is_active !== true) errors.push({ path: 'query.provider_uuid', message: 'the provider is inactive' });
  if (!org) errors.push({ path: 'path.org_id', message: 'no such organisation' });
  if (errors.length > 0) throw unprocessable('The availability request refers to something that does not exist or cannot be booked.', errors);

  const zone = location!.time_zone as string;
  const granularity = org!.slot_granularity_minutes as number;
  const lockGranule = lockGranuleMinutes(org!);
  const duration = query.duration_minutes ?? (type!.duration_minutes as number);
  if (duration % granularity !== 0 || duration > maxDurationMinutes(lockGranule)) {
    throw unprocessable(`Windows are whole multiples of the ${granularity}-minute grid, at most ${maxDurationMinutes(lockGranule)} minutes.`, [
      { path: query.duration_minutes ? 'query.duration_minutes' : 'query.appointment_type_uuid', message: `duration ${duration} does not fit the grid` },
    ]);
  }

  const range = { start: instantOfLocalTime(query.date_from, '00:00', zone), end: instantOfLocalTime(query.date_to, '24:00', zone) };
  // Intervals are computed from the day before: a shift that starts late can run past midnight.
  const dayBefore = DateTime.fromISO(query.date_from, { zone: 'utc' }).minus({ days: 1 }).toISODate()!;
  const providers = chosen ? [chosen] : everyProvider!;
  // The second stage: the providers' hours here, and every provider's and chair's taken slots.
  const [hoursGet, providerHeld, operatoryHeld] = await Promise.all([
    getMany(providers.map((p) => keys.workingHours(orgId, p.uuid as string, query.location_uuid))),
    Promise.all(providers.map((p) => heldGranules(keys.providerSlots(orgId, p.uuid as string).pk, range))),
    Promise.all(operatories.map((o) => heldGranules(keys.operatorySlots(orgId, o.uuid as string).pk, range))),
  ]);
  const overlapping = (item: Item) => timeOffOf(item).filter((t) => t.start < range.end && t.end > range.start);
  const providerSchedules = providers
    .map((p, i) => ({
      uuid: p.uuid as string,
      working: intervalsOf(hoursGet(keys.workingHours(orgId, p.uuid as string, query.location_uuid)), dayBefore, query.date_to, zone)
        .map((w) => ({ start: Math.max(w.start, range.start), end: Math.min(w.end, range.end) }))
        .filter((w) => w.end > w.start),
      timeOff: overlapping(p),
      held: providerHeld[i]!,
    }))
    .filter((p) => p.working.length > 0);
  const operatorySchedules = operatories.map((o, i) => ({ uuid: o.uuid as string, timeOff: overlapping(o), held: operatoryHeld[i]! }));

  const windows = openWindows({
    zone,
    granularityMinutes: granularity,
    lockGranuleMinutes: lockGranule,
    durationMinutes: duration,
    earliestStart: now.getTime(),
    latestStart: now.getTime() + (org!.booking_horizon_days as number) * 86_400_000,
    providers: providerSchedules,
    operatories: operatorySchedules,
  });
  const providerById = new Map(providers.map((p) => [p.uuid as string, p]));
  const operatoryById = new Map(operatories.map((o) => [o.uuid as string, o]));
  const items = windows.map((w) => {
    const p = providerById.get(w.provider_uuid)!;
    return {
      scheduled_start: formatWallClock(DateTime.fromMillis(w.start, { zone }) as DateTime<true>),
      scheduled_end: formatWallClock(DateTime.fromMillis(w.end, { zone }) as DateTime<true>),
      provider: { uuid: p.uuid as string, first_name: p.first_name as string, last_name: p.last_name as string, title: p.title as string },
      operatories: w.operatory_uuids.map((id) => ({ uuid: id, name: operatoryById.get(id)!.name as string })),
    };
  });
  return { location_uuid: query.location_uuid, time_zone: zone, appointment_type_uuid: query.appointment_type_uuid, duration_minutes: duration, items, total: items.length };
}
