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
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../db/client.ts';
import { keys } from '../db/keys.ts';
import { getMany, nowIso, queryAll, transactWrite, type Item } from '../db/operations.ts';
import { notFound, unprocessable, type FieldError } from '../errors.ts';
import { MAX_TIME_OFF_DAYS, WEEKDAYS, type TimeOff, type WorkingHours } from '../schemas/practice.ts';
import { instantOfLocalTime, type Interval } from '../time/local-day.ts';
import { resolveWallClock, toUtcIso, toWallClock } from '../time/wall-clock.ts';
import { workingIntervals, type WeeklyHours } from './availability.ts';

type WeeklyByName = Partial<Record<(typeof WEEKDAYS)[number], { start: string; end: string }[]>>;

/** API form (monday…sunday) to the computation's ISO weekday numbers. */
export function weeklyByNumber(weekly: WeeklyByName): WeeklyHours {
  return Object.fromEntries(WEEKDAYS.map((day, i) => [String(i + 1), weekly[day] ?? []])) as WeeklyHours;
}

export function toWorkingHours(item: Item): WorkingHours {
  const weekly = (item.weekly ?? {}) as WeeklyByName;
  return {
    provider_uuid: item.provider_uuid as string,
    location_uuid: item.location_uuid as string,
    weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, weekly[d] ?? []])) as WorkingHours['weekly'],
    effective_from: (item.effective_from as string | undefined) ?? null,
    effective_to: (item.effective_to as string | undefined) ?? null,
  };
}

/**
 * Replaces a provider's weekly hours at a location (the caller has checked both exist).
 * `onlyIfAbsent` leaves existing hours alone (the demo loader, on every start).
 */
export async function putWorkingHours(
  orgId: string,
  providerId: string,
  locationId: string,
  input: { weekly: WeeklyByName; effective_from?: string | null; effective_to?: string | null },
  options: { onlyIfAbsent?: boolean } = {},
): Promise<WorkingHours> {
  const item = {
    ...keys.workingHours(orgId, providerId, locationId),
    entity: 'working-hours',
    provider_uuid: providerId,
    location_uuid: locationId,
    weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [...(input.weekly[d] ?? [])].sort((a, b) => a.start.localeCompare(b.start))])),
    effective_from: input.effective_from ?? undefined,
    effective_to: input.effective_to ?? undefined,
    updated_at: nowIso(),
  };
  try {
    await db.send(new PutCommand({ TableName: tableName, Item: item, ...(options.onlyIfAbsent ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}) }));
  } catch (error) {
    if (!(options.onlyIfAbsent && (error as Error).name === 'ConditionalCheckFailedException')) throw error;
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
  const items = (await queryAll({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': pk, ':p': skPrefix } })).map(toWorkingHours);
  return { items, total: items.length };
}

export async function replaceWorkingHours(orgId: string, providerId: string, locationId: string, input: Parameters<typeof putWorkingHours>[3]) {
  const get = await getMany([keys.provider(orgId, providerId), keys.location(orgId, locationId)]);
  if (!get(keys.provider(orgId, providerId))) throw notFound(`No provider ${providerId} in this organisation.`);
  if (!get(keys.location(orgId, locationId))) throw notFound(`No location ${locationId} in this organisation.`);
  return putWorkingHours(orgId, providerId, locationId, input);
}

/** The hours item's working intervals over local dates `from`..`to`, within its effective dates. */
export function intervalsOf(hours: Item | undefined, from: string, to: string, zone: string): Interval[] {
  if (!hours) return [];
  const first = [from, hours.effective_from as string | undefined].filter(Boolean).sort().at(-1)!;
  const last = [to, hours.effective_to as string | undefined].filter(Boolean).sort()[0]!;
  if (first > last) return [];
  return workingIntervals(weeklyByNumber(hours.weekly as WeeklyByName), first, last, zone);
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
  };
}

type TimeOffInput = { provider_uuid?: string; operatory_uuid?: string; location_uuid: string; start: string; end: string; reason?: string | null };

export async function createTimeOff(orgId: string, input: TimeOffInput, timeOffId: string = randomUUID()): Promise<TimeOff> {
  const resource = input.provider_uuid ? ('provider' as const) : ('operatory' as const);
  const resourceId = (input.provider_uuid ?? input.operatory_uuid)!;
  const resourceKey = resource === 'provider' ? keys.provider(orgId, resourceId) : keys.operatory(orgId, input.location_uuid, resourceId);
  const get = await getMany([keys.location(orgId, input.location_uuid), resourceKey]);
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
    created_at: nowIso(),
  };
  await transactWrite([
    { Put: { TableName: tableName, Item: { ...keys.timeOff(orgId, timeOffId), ...entry }, ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName: tableName, Item: { ...keys.resourceTimeOff(orgId, resource, resourceId, startUtc, timeOffId), ...entry } } },
  ]);
  return toTimeOff(entry);
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
  const out = await db.send(new GetCommand({ TableName: tableName, Key: keys.timeOff(orgId, timeOffId), ConsistentRead: true }));
  const entry = out.Item;
  if (!entry) throw notFound(`No time off ${timeOffId} in this organisation.`);
  try {
    await transactWrite([
      { Delete: { TableName: tableName, Key: keys.timeOff(orgId, timeOffId), ConditionExpression: 'attribute_exists(pk)' } },
      {
        Delete: {
          TableName: tableName,
          Key: keys.resourceTimeOff(orgId, entry.resource_type as 'provider' | 'operatory', entry.resource_uuid as string, entry.start_utc as string, timeOffId),
        },
      },
    ]);
  } catch (error) {
    // Deleted by someone else in between: the caller's intent holds, but say it was not there.
    if ((error as Error).name === 'TransactionCanceledException') throw notFound(`No time off ${timeOffId} in this organisation.`);
    throw error;
  }
}
