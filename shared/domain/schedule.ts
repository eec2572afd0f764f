/**
 * Working hours and time off: when a provider works at a location, and when a provider or an
 * operatory is blocked.
 *
 * Access patterns
 * - hours of a provider at a location: GetItem (`HOURS#provider#location` in the org partition);
 *   all locations of a provider: one Query on that prefix.
 * - time off overlapping a range, per resource: one Query on the resource's time-off partition,
 *   sort key (UTC start) between range start − MAX_TIME_OFF_DAYS and range end.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { db, tableName } from '../db/client.ts';
import { keys } from '../db/keys.ts';
import { getMany, namedTransaction, nowIso, queryAll, transactWrite, type Item, type Key } from '../db/operations.ts';
import { ApiError, notFound, unprocessable, type FieldError } from '../errors.ts';
import { MAX_TIME_OFF_DAYS, type TimeOff } from '../schemas/time-off.ts';
import type { WorkingHours } from '../schemas/working-hours.ts';
import { instantOfLocalTime, type Interval } from '../time/local-day.ts';
import { resolveWallClock, toUtcIso, toWallClock } from '../time/wall-clock.ts';
import { dayBefore, intervalsOf, localDate, periodsOf, schedulePeriods, sortedWeekly, toWorkingHours, type Period, type WeeklyByName } from './working-hours.ts';
export { intervalsOf, schedulePeriods, toWorkingHours } from './working-hours.ts';
import { lockGranuleMinutes } from './settings.ts';
import { GUARD_ATTEMPTS, guardBackoff, scheduleChangeGuard, timeOffMap } from './schedule-guard.ts';
import { liveAppointmentsHolding, toAffected, type AffectedAppointment } from './schedule-impact.ts';

function hoursItem(orgId: string, providerId: string, locationId: string, zone: string, periods: Period[]) {
  return {
    ...keys.workingHours(orgId, providerId, locationId),
    entity: 'working-hours',
    provider_uuid: providerId,
    location_uuid: locationId,
    time_zone: zone,
    periods,
    updated_at: nowIso(),
  };
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
  const item = hoursItem(orgId, providerId, locationId, options.timeZone ?? 'UTC', [
    { from: input.effective_from ?? null, to: input.effective_to ?? null, weekly: sortedWeekly(input.weekly) },
  ]);
  try {
    await transactWrite([
      { Put: { TableName: tableName, Item: item, ...(options.onlyIfAbsent ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}) } },
      // Bookings read hours under the provider's schedule version: raise it.
      { Update: { TableName: tableName, Key: keys.provider(orgId, providerId), UpdateExpression: 'ADD schedule_version :one', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':one': 1 } } },
    ]);
  } catch (error) {
    if (!(options.onlyIfAbsent && error instanceof TransactionCanceledException)) throw error;
  }
  return toWorkingHours(item);
}

/** Time off of one resource overlapping [start, end) (epoch ms), as intervals. */
export async function timeOffBetween(orgId: string, resource: 'provider' | 'operatory', resourceId: string, range: Interval): Promise<(Interval & { item: Item })[]> {
  const from = new Date(range.start - MAX_TIME_OFF_DAYS * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const to = `${new Date(range.end).toISOString().replace(/\.\d{3}Z$/, 'Z')}\uffff`;
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': keys.resourceTimeOffs(orgId, resource, resourceId).pk, ':from': from, ':to': to },
    // Consistent: a booking reads time off under the schedule version it then guards (schedule-guard.ts).
    ConsistentRead: true,
  });
  return items
    .map((item) => ({ start: Date.parse(item.start_utc as string), end: Date.parse(item.end_utc as string), item }))
    .filter((t) => t.start < range.end && t.end > range.start);
}

// Working hours ---------------------------------------------------------------------------------

async function requireProvider(orgId: string, providerId: string): Promise<Item> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: keys.provider(orgId, providerId) }));
  if (!out.Item) throw notFound(`No provider ${providerId} in this organisation.`);
  return out.Item;
}

export async function listWorkingHours(orgId: string, providerId: string) {
  await requireProvider(orgId, providerId);
  const { pk, skPrefix } = keys.workingHoursOf(orgId, providerId);
  const items = (await queryAll({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': pk, ':p': skPrefix } })).map((item) => toWorkingHours(item));
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
  const k = { provider: keys.provider(orgId, providerId), location: keys.location(orgId, locationId), org: keys.org(orgId), hours: keys.workingHours(orgId, providerId, locationId) };
  for (let attempt = 1; attempt <= GUARD_ATTEMPTS; attempt++) {
    if (attempt > 1) await guardBackoff(attempt - 1);
    const get = await getMany(Object.values(k));
    const provider = get(k.provider);
    const location = get(k.location);
    const org = get(k.org);
    if (!provider) throw notFound(`No provider ${providerId} in this organisation.`);
    if (!location || !org) throw notFound(`No location ${locationId} in this organisation.`);
    const zone = location.time_zone as string;
    const periods = schedulePeriods(periodsOf(get(k.hours)), input, localDate(now.getTime(), zone));
    const item = hoursItem(orgId, providerId, locationId, zone, periods);

    const horizon = { start: now.getTime(), end: now.getTime() + ((org.booking_horizon_days as number) + 1) * 86_400_000 };
    const held = await liveAppointmentsHolding(orgId, 'provider', providerId, horizon, lockGranuleMinutes(org));
    const outside = held.filter((a) => a.location_uuid === locationId && !withinHours(item, a, zone));
    try {
      // The periods were computed from the hours as read: the Put is conditioned on that version,
      // so a concurrent PUT makes this one read again instead of being overwritten.
      const seen = get(k.hours)?.version as number | undefined;
      const put = {
        TableName: tableName,
        Item: { ...item, version: (seen ?? 0) + 1 },
        ConditionExpression: seen === undefined ? 'attribute_not_exists(version)' : 'version = :seen',
        ...(seen === undefined ? {} : { ExpressionAttributeValues: { ':seen': seen } }),
      };
      await transactWrite([{ Put: put }, scheduleChangeGuard(k.provider, provider)]);
    } catch (error) {
      if (error instanceof TransactionCanceledException) continue;
      throw error;
    }
    return { ...toWorkingHours(item, now), affected_appointments: outside.map(toAffected) };
  }
  throw keptChanging();
}

/** Does an appointment lie inside one working interval of these hours? */
function withinHours(hours: Item, appointment: { start_utc: string; end_utc: string }, zone: string): boolean {
  const span = { start: Date.parse(appointment.start_utc), end: Date.parse(appointment.end_utc) };
  const intervals = intervalsOf(hours, dayBefore(localDate(span.start, zone)), localDate(span.end, zone), zone);
  return intervals.some((i) => i.start <= span.start && span.end <= i.end);
}

// Time off --------------------------------------------------------------------------------------

function toTimeOff(item: Item): TimeOff {
  const zone = item.time_zone as string;
  return {
    uuid: item.uuid as string,
    provider_uuid: item.resource_type === 'provider' ? (item.resource_uuid as string) : null,
    operatory_uuid: item.resource_type === 'operatory' ? (item.resource_uuid as string) : null,
    location_uuid: item.location_uuid as string,
    start: toWallClock(item.start_utc as string, zone),
    end: toWallClock(item.end_utc as string, zone),
    time_zone: zone,
    reason: (item.reason as string | undefined) ?? null,
    affected_appointments: (item.affected_appointments as AffectedAppointment[] | undefined) ?? [],
  };
}

type TimeOffInput = { provider_uuid?: string; operatory_uuid?: string; location_uuid: string; start: string; end: string; reason?: string | null };

export async function createTimeOff(orgId: string, input: TimeOffInput, timeOffId: string = randomUUID()): Promise<TimeOff> {
  const resource = input.provider_uuid ? ('provider' as const) : ('operatory' as const);
  const resourceId = (input.provider_uuid ?? input.operatory_uuid)!;
  const resourceKey = resource === 'provider' ? keys.provider(orgId, resourceId) : keys.operatory(orgId, input.location_uuid, resourceId);
  const get = await getMany([keys.location(orgId, input.location_uuid), resourceKey, keys.org(orgId)]);
  const location = get(keys.location(orgId, input.location_uuid));
  const errors: FieldError[] = [];
  if (!location) errors.push({ path: 'body.location_uuid', message: 'no location with this uuid' });
  else if (!get(resourceKey)) errors.push({ path: `body.${resource}_uuid`, message: `no ${resource} with this uuid${resource === 'operatory' ? ' at this location' : ''}` });
  if (errors.length > 0) throw unprocessable('The time off refers to something that does not exist.', errors);
  const zone = location!.time_zone as string;
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
  const org = get(keys.org(orgId));
  if (!org) throw notFound('No such organisation.');
  const resourceItem = get(resourceKey)!;
  const range = { start: startMs, end: endMs };
  // The appointments it overlaps are read under the resource's booking version, and the guard fails
  // the write if a booking got in since: then they are read again.
  for (let attempt = 1; attempt <= GUARD_ATTEMPTS; attempt++) {
    if (attempt > 1) await guardBackoff(attempt - 1);
    // The resource's booking version is read before its appointments (never after): a booking that
    // commits between the two reads then fails the guard instead of slipping past the list.
    const seen = attempt === 1 ? resourceItem : await currentItem(resourceKey);
    const held = await liveAppointmentsHolding(orgId, resource, resourceId, range, lockGranuleMinutes(org));
    if (held.length > MAX_AFFECTED) {
      throw unprocessable(`This time off would overlap more than ${MAX_AFFECTED} appointments; block a shorter stretch at a time.`, [{ path: 'body.end', message: 'overlaps too many appointments' }]);
    }
    const entry = {
      entity: 'time-off',
      uuid: timeOffId,
      resource_type: resource,
      resource_uuid: resourceId,
      location_uuid: input.location_uuid,
      time_zone: zone,
      start_utc: startUtc,
      end_utc: toUtcIso(end.instant),
      reason: input.reason ?? undefined,
      affected_appointments: held.map(toAffected),
      created_at: nowIso(),
    };
    const tx = namedTransaction([
      ['entry', { Put: { TableName: tableName, Item: { ...keys.timeOff(orgId, timeOffId), ...entry }, ConditionExpression: 'attribute_not_exists(pk)' } }],
      ['copy', { Put: { TableName: tableName, Item: { ...keys.resourceTimeOff(orgId, resource, resourceId, startUtc, timeOffId), ...entry } } }],
      ['guard', scheduleChangeGuard(resourceKey, seen, { time_off: timeOffMap(seen, { uuid: timeOffId, span: [startUtc, entry.end_utc] }, new Date()) }, { sameSchedule: true })],
    ] as const);
    try {
      await transactWrite(tx.items, { witness: keys.timeOff(orgId, timeOffId) });
      return toTimeOff(entry);
    } catch (error) {
      if (!(error instanceof TransactionCanceledException && tx.failedNames(error).has('guard') && !tx.failedNames(error).has('entry'))) throw error;
    }
  }
  throw keptChanging();
}

/** More overlapped appointments than this refuse a time off (its record must stay a bounded size). */
const MAX_AFFECTED = 500;

async function currentItem(key: Key): Promise<Item> {
  const item = (await getMany([key]))(key);
  if (!item) throw notFound('The provider or operatory no longer exists.');
  return item;
}

type TimeOffQuery = { provider_uuid?: string; operatory_uuid?: string; location_uuid?: string; date_from: string; date_to: string };

/** Time off overlapping local dates date_from..date_to (at location_uuid, else UTC dates). */
export async function listTimeOff(orgId: string, query: TimeOffQuery) {
  let zone = 'UTC';
  if (query.location_uuid) {
    const out = await db.send(new GetCommand({ TableName: tableName, Key: keys.location(orgId, query.location_uuid) }));
    if (!out.Item) throw unprocessable('No such location.', [{ path: 'query.location_uuid', message: 'no location with this uuid' }]);
    zone = out.Item.time_zone as string;
  }
  const resource = query.provider_uuid ? ('provider' as const) : ('operatory' as const);
  const range = { start: instantOfLocalTime(query.date_from, '00:00', zone), end: instantOfLocalTime(query.date_to, '24:00', zone) };
  const found = await timeOffBetween(orgId, resource, (query.provider_uuid ?? query.operatory_uuid)!, range);
  const items = found.sort((a, b) => a.start - b.start).map((t) => toTimeOff(t.item));
  return { items, total: items.length };
}

export async function deleteTimeOff(orgId: string, timeOffId: string): Promise<void> {
  for (let attempt = 1; attempt <= GUARD_ATTEMPTS; attempt++) {
    if (attempt > 1) await guardBackoff(attempt - 1);
    const out = await db.send(new GetCommand({ TableName: tableName, Key: keys.timeOff(orgId, timeOffId), ConsistentRead: true }));
    const entry = out.Item;
    if (!entry) throw notFound(`No time off ${timeOffId} in this organisation.`);
    const resource = entry.resource_type as 'provider' | 'operatory';
    const resourceId = entry.resource_uuid as string;
    const resourceKey = resource === 'provider' ? keys.provider(orgId, resourceId) : keys.operatory(orgId, entry.location_uuid as string, resourceId);
    const item = await currentItem(resourceKey);
    const tx = namedTransaction([
      ['entry', { Delete: { TableName: tableName, Key: keys.timeOff(orgId, timeOffId), ConditionExpression: 'attribute_exists(pk)' } }],
      ['copy', { Delete: { TableName: tableName, Key: keys.resourceTimeOff(orgId, resource, resourceId, entry.start_utc as string, timeOffId) } }],
      // Only the resource's time-off map changes: no other schedule change may have rewritten it meanwhile.
      ['resource', { Update: { TableName: tableName, Key: resourceKey, UpdateExpression: 'SET time_off = :map ADD schedule_version :one', ConditionExpression: item.schedule_version === undefined ? 'attribute_not_exists(schedule_version)' : 'schedule_version = :seen', ExpressionAttributeValues: { ':map': timeOffMap(item, { uuid: timeOffId }, new Date()), ':one': 1, ...(item.schedule_version === undefined ? {} : { ':seen': item.schedule_version }) } } }],
    ] as const);
    try {
      await transactWrite(tx.items);
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // Deleted by someone else in between: the caller's intent holds, but say it was not there.
      if (tx.failedNames(error).has('entry')) throw notFound(`No time off ${timeOffId} in this organisation.`);
      if (!tx.failedNames(error).has('resource')) throw error;
    }
  }
  throw keptChanging();
}
