/**
 * Working hours and time off: when a provider works at a location, and when a provider or an
 * operatory is blocked.
 *
 * Access patterns
 * - hours of a provider at a location: GetItem (`HOURS#provider#location` in the org partition);
 *   all locations of a provider: one Query on that prefix.
 * - time off overlapping a range, per resource: one Query on the resource's time-off partition,
 *   sort key (UTC start) between range start − MAX_TIME_OFF_DAYS and range end.
 *
 * Events: a time off created or deleted and working hours PUT each put one `schedule.changed` event
 * (events.ts) in their own transaction, naming the appointments the change reports as affected. The
 * loading path (`putWorkingHours`: the demo clinic, test fixtures) puts none: it is not a change made
 * through the API, reports no affected appointments and writes no audit entry either.
 */
import { randomUUID } from 'node:crypto';
import { keyOfPut, namedTransaction } from '../db/operations.ts';
import { readList, readMany } from '../db/refs.ts';
import { locationRef, readLocation } from '../db/repositories/locations.ts';
import { orgRef } from '../db/repositories/orgs.ts';
import { providerRef, providerScheduleChange, providerScheduleRaised, readProvider } from '../db/repositories/providers.ts';
import { resourceRef, resourceScheduleChange, resourceTimeOffChange, type ResourceId, type ResourceRecord } from '../db/repositories/resources.ts';
import { deleteTimeOffItems, putNewTimeOff, readTimeOff, timeOffStartingBetween, timeOffWitness, type TimeOffRecord } from '../db/repositories/time-off.ts';
import { listWorkingHoursOf, putWorkingHoursItem, putWorkingHoursVersioned, workingHoursRef, type WorkingHoursRecord } from '../db/repositories/working-hours.ts';
import { again, withRetries } from '../db/retry.ts';
import { nowIso } from '../db/timestamps.ts';
import { ApiError, notFound, unprocessable, type FieldError } from '../errors.ts';
import { MAX_TIME_OFF_DAYS, type TimeOff } from '../schemas/time-off.ts';
import type { WorkingHours } from '../schemas/working-hours.ts';
import { instantOfLocalTime, type Interval } from '../time/local-day.ts';
import { resolveWallClock, toUtcIso, toWallClock } from '../time/wall-clock.ts';
import { dayBefore, intervalsOf, localDate, periodsOf, schedulePeriods, sortedWeekly, toWorkingHours, type Period, type WeeklyByName } from './working-hours.ts';
export { intervalsOf, schedulePeriods, toWorkingHours } from './working-hours.ts';
import { GUARD_ATTEMPTS, guardBackoff, timeOffMap } from './schedule-guard.ts';
import { eventItem, type ScheduleEventData } from './events.ts';
import { liveAppointmentsHolding, toAffected, type AffectedAppointment, type HeldAppointment } from './schedule-impact.ts';

function hoursRecord(providerId: string, locationId: string, zone: string, periods: Period[]): WorkingHoursRecord {
  return { provider_uuid: providerId, location_uuid: locationId, time_zone: zone, periods, updated_at: nowIso() };
}

/**
 * Sets a provider's weekly hours at a location without the checks of a PUT: for loading a clinic
 * (the demo, test fixtures). `onlyIfAbsent` leaves existing hours alone (the demo loader, on every
 * start).
 */
export async function putWorkingHours(
  orgId: string,
  providerId: string,
  locationId: string,
  input: { weekly: WeeklyByName; effective_from?: string | null; effective_to?: string | null },
  options: { onlyIfAbsent?: boolean; timeZone?: string } = {},
): Promise<WorkingHours> {
  const hours = hoursRecord(providerId, locationId, options.timeZone ?? 'UTC', [
    { from: input.effective_from ?? null, to: input.effective_to ?? null, weekly: sortedWeekly(input.weekly) },
  ]);
  const tx = namedTransaction([
    ['hours', putWorkingHoursItem(orgId, hours, { onlyIfAbsent: options.onlyIfAbsent })],
    // Bookings read hours under the provider's schedule version: raise it.
    ['provider', providerScheduleRaised(orgId, providerId)],
  ]);
  try {
    await tx.commit();
  } catch (error) {
    if (!(options.onlyIfAbsent && tx.cancellation(error))) throw error;
  }
  return toWorkingHours(hours);
}

/** Time off of one resource overlapping [start, end) (epoch ms), with its entries. */
export async function timeOffBetween(orgId: string, resource: 'provider' | 'operatory', resourceId: string, range: Interval): Promise<(Interval & { entry: TimeOffRecord })[]> {
  const entries = await timeOffStartingBetween(orgId, resource, resourceId, range.start - MAX_TIME_OFF_DAYS * 86_400_000, range.end);
  return entries
    .map((entry) => ({ start: Date.parse(entry.start_utc), end: Date.parse(entry.end_utc), entry }))
    .filter((t) => t.start < range.end && t.end > range.start);
}

// Working hours ---------------------------------------------------------------------------------

export async function listWorkingHours(orgId: string, providerId: string) {
  const provider = await readProvider(orgId, providerId, { consistent: false });
  if (!provider) throw notFound(`No provider ${providerId} in this organisation.`);
  const items = (await listWorkingHoursOf(orgId, providerId)).map((hours) => toWorkingHours(hours));
  return { items, total: items.length };
}

const keptChanging = () => new ApiError('unavailable', 'Bookings kept changing while the schedule was being changed; retry the request.');

/**
 * PUT working hours: sets them (see schedulePeriods) and reports the future live appointments of the
 * provider at the location that they leave outside. One read of the provider, location, org and
 * hours, one read of the provider's future appointments, one transaction guarded against bookings
 * made in between (which would be missing from the report).
 */
export async function replaceWorkingHours(
  orgId: string,
  providerId: string,
  locationId: string,
  input: { weekly: WeeklyByName; effective_from?: string | null; effective_to?: string | null },
  now: Date = new Date(),
): Promise<WorkingHours & { affected_appointments: AffectedAppointment[] }> {
  return withRetries({ attempts: GUARD_ATTEMPTS, pause: guardBackoff, exhausted: keptChanging }, async () => {
    const { provider, location, org, hours: current } = await readMany({
      provider: providerRef(orgId, providerId),
      location: locationRef(orgId, locationId),
      org: orgRef(orgId),
      hours: workingHoursRef(orgId, providerId, locationId),
    });
    if (!provider) throw notFound(`No provider ${providerId} in this organisation.`);
    if (!location || !org) throw notFound(`No location ${locationId} in this organisation.`);
    const zone = location.time_zone;
    const periods = schedulePeriods(periodsOf(current), input, localDate(now.getTime(), zone));
    const hours = hoursRecord(providerId, locationId, zone, periods);

    const horizon = { start: now.getTime(), end: now.getTime() + (org.booking_horizon_days + 1) * 86_400_000 };
    const held = await liveAppointmentsHolding(orgId, 'provider', providerId, horizon, org.lock_granule_minutes);
    const outside = held.filter((a) => a.location_uuid === locationId && !withinHours(hours, a, zone));
    // The periods were computed from the hours as read: the Put is conditioned on that version,
    // so a concurrent PUT makes this one read again instead of being overwritten.
    const change: ScheduleEventData = {
      change: 'working_hours.updated',
      provider_uuid: providerId,
      operatory_uuid: null,
      location_uuid: locationId,
      affected_appointment_uuids: outside.map((a) => a.uuid),
    };
    const event = eventItem(orgId, { type: 'schedule.changed', data: change }, now);
    const tx = namedTransaction([
      ['hours', putWorkingHoursVersioned(orgId, hours, current?.version)],
      ['guard', providerScheduleChange(orgId, provider)],
      ['event', event],
    ]);
    try {
      // The event is new with this transaction: it tells whether a write whose reply was lost committed.
      await tx.commit({ witness: keyOfPut(event) });
    } catch (error) {
      if (tx.cancellation(error)) return again();
      throw error;
    }
    return { ...toWorkingHours(hours, now), affected_appointments: outside.map(toAffected) };
  });
}

/** Does an appointment lie inside one working interval of these hours? */
function withinHours(hours: WorkingHoursRecord, appointment: HeldAppointment, zone: string): boolean {
  const span = { start: Date.parse(appointment.start_utc), end: Date.parse(appointment.end_utc) };
  const intervals = intervalsOf(hours, dayBefore(localDate(span.start, zone)), localDate(span.end, zone), zone);
  return intervals.some((i) => i.start <= span.start && span.end <= i.end);
}

// Time off --------------------------------------------------------------------------------------

function toTimeOff(entry: TimeOffRecord): TimeOff {
  const zone = entry.time_zone;
  return {
    uuid: entry.uuid,
    provider_uuid: entry.resource_type === 'provider' ? entry.resource_uuid : null,
    operatory_uuid: entry.resource_type === 'operatory' ? entry.resource_uuid : null,
    location_uuid: entry.location_uuid,
    start: toWallClock(entry.start_utc, zone),
    end: toWallClock(entry.end_utc, zone),
    time_zone: zone,
    reason: entry.reason ?? null,
    affected_appointments: entry.affected_appointments,
  };
}

type TimeOffInput = { provider_uuid?: string; operatory_uuid?: string; location_uuid: string; start: string; end: string; reason?: string | null };

export async function createTimeOff(orgId: string, input: TimeOffInput, timeOffId: string = randomUUID()): Promise<TimeOff> {
  const now = new Date();
  const resource = input.provider_uuid ? ('provider' as const) : ('operatory' as const);
  const resourceId = (input.provider_uuid ?? input.operatory_uuid)!;
  const target: ResourceId = { resource, resourceId, locationId: input.location_uuid };
  const found = await readMany({ location: locationRef(orgId, input.location_uuid), resource: resourceRef(orgId, target), org: orgRef(orgId) });
  const location = found.location;
  const errors: FieldError[] = [];
  if (!location) errors.push({ path: 'body.location_uuid', message: 'no location with this uuid' });
  else if (!found.resource) errors.push({ path: `body.${resource}_uuid`, message: `no ${resource} with this uuid${resource === 'operatory' ? ' at this location' : ''}` });
  if (errors.length > 0) throw unprocessable('The time off refers to something that does not exist.', errors);
  const zone = location!.time_zone;
  const start = resolveWallClock(input.start, zone);
  const end = resolveWallClock(input.end, zone);
  for (const [field, r] of [['start', start], ['end', end]] as const) {
    if (!r.ok) errors.push({ path: `body.${field}`, message: r.problem.kind === 'malformed' ? 'is not a real date and time' : r.problem.detail });
  }
  if (!start.ok || !end.ok) throw unprocessable(`The times cannot be placed in the location's time zone (${zone}).`, errors);
  const startMs = start.instant.toMillis();
  const endMs = end.instant.toMillis();
  if (endMs <= startMs) throw unprocessable('end must be after start.', [{ path: 'body.end', message: 'must be after start' }]);
  if (endMs - startMs > MAX_TIME_OFF_DAYS * 86_400_000) {
    throw unprocessable(`One time-off entry lasts at most ${MAX_TIME_OFF_DAYS} days; add several for longer leave.`, [{ path: 'body.end', message: `must be within ${MAX_TIME_OFF_DAYS} days of start` }]);
  }
  const startUtc = toUtcIso(start.instant);
  const org = found.org;
  if (!org) throw notFound('No such organisation.');
  const resourceRecord = found.resource!;
  const range = { start: startMs, end: endMs };
  // The appointments it overlaps are read under the resource's booking version, and the guard fails
  // the write if a booking got in since: then they are read again.
  return withRetries({ attempts: GUARD_ATTEMPTS, pause: guardBackoff, exhausted: keptChanging }, async (attempt) => {
    // The resource's booking version is read before its appointments (never after): a booking that
    // commits between the two reads then fails the guard instead of slipping past the list.
    const seen = attempt === 1 ? resourceRecord : await currentRecord(orgId, target);
    const held = await liveAppointmentsHolding(orgId, resource, resourceId, range, org.lock_granule_minutes);
    if (held.length > MAX_AFFECTED) {
      throw unprocessable(`This time off would overlap more than ${MAX_AFFECTED} appointments; block a shorter stretch at a time.`, [{ path: 'body.end', message: 'overlaps too many appointments' }]);
    }
    const entry: TimeOffRecord = {
      uuid: timeOffId,
      resource_type: resource,
      resource_uuid: resourceId,
      location_uuid: input.location_uuid,
      time_zone: zone,
      start_utc: startUtc,
      end_utc: toUtcIso(end.instant),
      ...(input.reason !== undefined && input.reason !== null ? { reason: input.reason } : {}),
      affected_appointments: held.map(toAffected),
      created_at: nowIso(now),
    };
    const items = putNewTimeOff(orgId, entry);
    const tx = namedTransaction([
      ['entry', items.entry],
      ['copy', items.copy],
      ['guard', resourceScheduleChange(orgId, target, seen, { time_off: timeOffMap(seen, { uuid: timeOffId, span: [startUtc, entry.end_utc] }, new Date()) }, { sameSchedule: true })],
      ['event', eventItem(orgId, { type: 'schedule.changed', data: timeOffChange('time_off.created', entry, held.map((a) => a.uuid)) }, now)],
    ]);
    try {
      await tx.commit({ witness: timeOffWitness(orgId, timeOffId) });
      return toTimeOff(entry);
    } catch (error) {
      const cancelled = tx.cancellation(error);
      if (!(cancelled && cancelled.failed.has('guard') && !cancelled.failed.has('entry'))) throw error;
      return again();
    }
  });
}

/** More overlapped appointments than this refuse a time off (its record must stay a bounded size). */
const MAX_AFFECTED = 500;

async function currentRecord(orgId: string, target: ResourceId): Promise<ResourceRecord> {
  const [record] = await readList([resourceRef(orgId, target)]);
  if (!record) throw notFound('The provider or operatory no longer exists.');
  return record;
}

type TimeOffQuery = { provider_uuid?: string; operatory_uuid?: string; location_uuid?: string; date_from: string; date_to: string };

/** Time off overlapping local dates date_from..date_to (at location_uuid, else UTC dates). */
export async function listTimeOff(orgId: string, query: TimeOffQuery) {
  let zone = 'UTC';
  if (query.location_uuid) {
    const location = await readLocation(orgId, query.location_uuid, { consistent: false });
    if (!location) throw unprocessable('No such location.', [{ path: 'query.location_uuid', message: 'no location with this uuid' }]);
    zone = location.time_zone;
  }
  const resource = query.provider_uuid ? ('provider' as const) : ('operatory' as const);
  const range = { start: instantOfLocalTime(query.date_from, '00:00', zone), end: instantOfLocalTime(query.date_to, '24:00', zone) };
  const found = await timeOffBetween(orgId, resource, (query.provider_uuid ?? query.operatory_uuid)!, range);
  const items = found.sort((a, b) => a.start - b.start).map((t) => toTimeOff(t.entry));
  return { items, total: items.length };
}

/** A time off's `schedule.changed` event data. */
function timeOffChange(change: 'time_off.created' | 'time_off.deleted', entry: TimeOffRecord, affected: string[]): ScheduleEventData {
  return {
    change,
    provider_uuid: entry.resource_type === 'provider' ? entry.resource_uuid : null,
    operatory_uuid: entry.resource_type === 'operatory' ? entry.resource_uuid : null,
    location_uuid: entry.location_uuid,
    affected_appointment_uuids: affected,
  };
}

/**
 * Deletes a time off. Its event names no appointment: freeing time leaves none outside the schedule
 * (the API reports none), and the ones the block overlapped when it was made may have moved since.
 */
export async function deleteTimeOff(orgId: string, timeOffId: string): Promise<void> {
  const now = new Date();
  return withRetries({ attempts: GUARD_ATTEMPTS, pause: guardBackoff, exhausted: keptChanging }, async () => {
    const entry = await readTimeOff(orgId, timeOffId);
    if (!entry) throw notFound(`No time off ${timeOffId} in this organisation.`);
    const target: ResourceId = { resource: entry.resource_type, resourceId: entry.resource_uuid, locationId: entry.location_uuid };
    const seen = await currentRecord(orgId, target);
    const items = deleteTimeOffItems(orgId, entry);
    const event = eventItem(orgId, { type: 'schedule.changed', data: timeOffChange('time_off.deleted', entry, []) }, now);
    const tx = namedTransaction([
      ['entry', items.entry],
      ['copy', items.copy],
      // Only the resource's time-off map changes: no other schedule change may have rewritten it meanwhile.
      ['resource', resourceTimeOffChange(orgId, target, seen, timeOffMap(seen, { uuid: timeOffId }, new Date()))],
      ['event', event],
    ]);
    try {
      // A delete leaves nothing to read back: the event, new with it, tells whether a lost reply's write committed.
      await tx.commit({ witness: keyOfPut(event) });
      return;
    } catch (error) {
      const cancelled = tx.cancellation(error);
      if (!cancelled) throw error;
      // Deleted by someone else in between: the caller's intent holds, but say it was not there.
      if (cancelled.failed.has('entry')) throw notFound(`No time off ${timeOffId} in this organisation.`);
      if (!cancelled.failed.has('resource')) throw error;
      return again();
    }
  });
}
