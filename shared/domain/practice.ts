/**
 * The practice's setup: the organisation and its settings, locations, operatories (chairs),
 * providers and appointment types — created, read, listed and changed. (Working hours and time off
 * are in schedule.ts.)
 *
 * Access patterns: everything lives in the org partition (`ORG#o`), one sort-key prefix per kind, so
 * a kind is one Query and one item is one GetItem. Reads are strongly consistent: an admin screen
 * reads what it has just written.
 * - Operatories sort under their location (`OPERATORY#location#operatory`): a location's chairs are
 *   one Query, and an operatory named under another location simply does not exist.
 * - A type's code is claimed by an `APPTTYPECODE#code` item written in the same transaction as the
 *   type, so two types of an organisation never share a code; changing the code moves the claim in
 *   one transaction.
 * - Changes are one UpdateItem conditioned on the item existing (a missing one is a 404), of only
 *   the fields sent, returning the item as it now is.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { db, tableName } from '../db/client.ts';
import { keys } from '../db/keys.ts';
import { conditionFailureItem, nowIso, queryAll, transactWrite, type Item, type Key } from '../db/operations.ts';
import { ApiError, hasAppointments, notFound, unprocessable } from '../errors.ts';
import { GUARD_ATTEMPTS, guardBackoff, scheduleChangeGuard, type Resource } from './schedule-guard.ts';
import { liveAppointmentsHolding } from './schedule-impact.ts';
import { DEFAULT_GRANULARITY_MINUTES } from '../time/granules.ts';
import type { AppointmentType } from '../schemas/appointment-types.ts';
import type { Location } from '../schemas/locations.ts';
import type { Operatory } from '../schemas/operatories.ts';
import type { Provider } from '../schemas/providers.ts';
import type { Settings } from '../schemas/settings.ts';

export type { Location, Operatory, Provider, Settings };
export type Org = { uuid: string; name: string; slot_granularity_minutes: number; booking_horizon_days: number; lock_granule_minutes: number; default_time_zone?: string };

/** How many times a read-check-write is retried when a concurrent change got in between. */
const OPTIMISTIC_ATTEMPTS = 3;

// Storage helpers --------------------------------------------------------------------------------

/**
 * Puts an item unless one with its key exists, and says whether it wrote. Creating with a caller's
 * uuid twice (the demo loader on every start) therefore never duplicates or overwrites anything.
 */
async function putNew(item: Item & Key): Promise<boolean> {
  try {
    await db.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

async function getItem(key: Key): Promise<Item | undefined> {
  return (await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
}

/** Every item of one kind in the org partition (one Query on its sort-key prefix). */
async function queryKind({ pk, skPrefix }: { pk: string; skPrefix: string }): Promise<Item[]> {
  return queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
    ConsistentRead: true,
  });
}

type Changes = Record<string, string | number | boolean | null | undefined>;

/**
 * The parts of an UpdateExpression for the fields sent: a value is SET, `null` REMOVEs the
 * attribute, `undefined` (not sent) leaves it alone. `updated_at` is always set.
 */
function updateParts(changes: Changes) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  const remove: string[] = [];
  Object.entries({ ...changes, updated_at: nowIso() }).forEach(([field, value], i) => {
    if (value === undefined) return;
    names[`#f${i}`] = field;
    if (value === null) remove.push(`#f${i}`);
    else {
      values[`:v${i}`] = value;
      set.push(`#f${i} = :v${i}`);
    }
  });
  return { set, remove, names, values };
}

const updateExpression = (set: string[], remove: string[]) => [`SET ${set.join(', ')}`, ...(remove.length > 0 ? [`REMOVE ${remove.join(', ')}`] : [])].join(' ');

/** Changes an existing item (one UpdateItem); `missing` is the 404's detail when there is none. */
async function updateExisting(key: Key, changes: Changes, missing: string): Promise<Item> {
  const { set, remove, names, values } = updateParts(changes);
  try {
    const out = await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: updateExpression(set, remove),
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes as Item;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') throw notFound(missing);
    throw error;
  }
}

const isConditionFailure = (reason: { Code?: string } | undefined) => reason?.Code === 'ConditionalCheckFailed';

const byName = (a: { name: string; uuid: string }, b: { name: string; uuid: string }) => a.name.localeCompare(b.name) || a.uuid.localeCompare(b.uuid);

const busy = () => new ApiError('unavailable', 'The item kept changing while it was being updated; retry the request.');

// Organisation and settings ----------------------------------------------------------------------

export async function createOrg(input: {
  uuid?: string;
  name: string;
  slot_granularity_minutes?: number;
  booking_horizon_days?: number;
  /** Zone new locations default to in setup tools. */
  default_time_zone?: string;
}): Promise<Org> {
  const org: Org = {
    uuid: input.uuid ?? randomUUID(),
    name: input.name,
    ...(input.default_time_zone ? { default_time_zone: input.default_time_zone } : {}),
    slot_granularity_minutes: input.slot_granularity_minutes ?? DEFAULT_GRANULARITY_MINUTES,
    booking_horizon_days: input.booking_horizon_days ?? 365,
    // Slot locks use this unit for the organisation's life: locks of one unit cannot see locks of
    // another, so the granularity may later change only to multiples of it.
    lock_granule_minutes: input.slot_granularity_minutes ?? DEFAULT_GRANULARITY_MINUTES,
  };
  await putNew({ ...keys.org(org.uuid), entity: 'org', ...org, created_at: nowIso() });
  return org;
}

/** The unit of the org's slot locks; organisations created before it was stored lock at their granularity. */
export function lockGranuleMinutes(org: Item): number {
  return (org.lock_granule_minutes as number | undefined) ?? (org.slot_granularity_minutes as number);
}

function toSettings(org: Item): Settings {
  return {
    name: org.name as string,
    slot_granularity_minutes: org.slot_granularity_minutes as number,
    booking_horizon_days: org.booking_horizon_days as number,
    lock_granule_minutes: lockGranuleMinutes(org),
  };
}

async function getOrgItem(orgId: string): Promise<Item> {
  const org = await getItem(keys.org(orgId));
  if (!org) throw notFound('No such organisation.');
  return org;
}

export async function getSettings(orgId: string): Promise<Settings> {
  return toSettings(await getOrgItem(orgId));
}

/**
 * Changes the name, granularity or booking horizon. The granularity must stay a multiple of the lock
 * unit. The write is conditioned on the lock unit it was checked against, and pins that unit on an
 * organisation that predates it (whose unit would otherwise follow the granularity it is changing).
 */
export async function updateSettings(
  orgId: string,
  changes: { name?: string; slot_granularity_minutes?: number; booking_horizon_days?: number },
): Promise<Settings> {
  for (let attempt = 1; attempt <= OPTIMISTIC_ATTEMPTS; attempt++) {
    const lock = lockGranuleMinutes(await getOrgItem(orgId));
    const granularity = changes.slot_granularity_minutes;
    if (granularity !== undefined && granularity % lock !== 0) {
      throw unprocessable(`The slot granularity must be a multiple of ${lock} minutes.`, [
        {
          path: 'body.slot_granularity_minutes',
          message: `must be a multiple of ${lock}: slot locks were fixed at ${lock} minutes when the organisation was created, and locks of different units cannot see each other, which would allow double bookings`,
        },
      ]);
    }
    const { set, remove, names, values } = updateParts({
      name: changes.name,
      slot_granularity_minutes: granularity,
      booking_horizon_days: changes.booking_horizon_days,
    });
    try {
      const out = await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.org(orgId),
          UpdateExpression: updateExpression([...set, '#lock = if_not_exists(#lock, :lock)'], remove),
          ConditionExpression: 'attribute_exists(pk) AND (#lock = :lock OR (attribute_not_exists(#lock) AND #granularity = :lock))',
          ExpressionAttributeNames: { ...names, '#lock': 'lock_granule_minutes', '#granularity': 'slot_granularity_minutes' },
          ExpressionAttributeValues: { ...values, ':lock': lock },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toSettings(out.Attributes as Item);
    } catch (error) {
      // Gone, or an older organisation's granularity changed since it was read: read again.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
  throw busy();
}

// Locations --------------------------------------------------------------------------------------

export function toLocation(item: Item): Location {
  return {
    uuid: item.uuid as string,
    name: item.name as string,
    time_zone: item.time_zone as string,
    address: (item.address as string | undefined) ?? null,
  };
}

/** An empty address is no address (stored as absent, answered as `null`). */
const addressChange = (address: string | null | undefined) => (address === '' ? null : address);

export async function createLocation(
  orgId: string,
  input: { uuid?: string; name: string; time_zone: string; address?: string | null },
): Promise<Location> {
  const location: Location = { uuid: input.uuid ?? randomUUID(), name: input.name, time_zone: input.time_zone, address: addressChange(input.address) ?? null };
  const now = nowIso();
  await putNew({ ...keys.location(orgId, location.uuid), entity: 'location', ...location, address: location.address ?? undefined, created_at: now, updated_at: now });
  return location;
}

export async function getLocation(orgId: string, locationId: string): Promise<Location> {
  const item = await getItem(keys.location(orgId, locationId));
  if (!item) throw notFound(`No location ${locationId} in this organisation.`);
  return toLocation(item);
}

/** Every location of the org, by name. */
export async function listLocations(orgId: string) {
  const items = (await queryKind(keys.locations(orgId))).map(toLocation).sort(byName);
  return { items, total: items.length };
}

/** Changes the fields sent; `address: null` clears the address. */
export async function updateLocation(
  orgId: string,
  locationId: string,
  changes: { name?: string; time_zone?: string; address?: string | null },
): Promise<Location> {
  const item = await updateExisting(
    keys.location(orgId, locationId),
    { name: changes.name, time_zone: changes.time_zone, address: addressChange(changes.address) },
    `No location ${locationId} in this organisation.`,
  );
  return toLocation(item);
}

// Operatories ------------------------------------------------------------------------------------

export function toOperatory(item: Item): Operatory {
  return { uuid: item.uuid as string, location_uuid: item.location_uuid as string, name: item.name as string, is_active: item.is_active === true };
}

/**
 * Adds an operatory to a location, in one transaction with a check that the location exists (404
 * otherwise). Creating with a caller's uuid that exists already changes nothing (the demo loader).
 */
export async function createOperatory(
  orgId: string,
  input: { uuid?: string; location_uuid: string; name: string; is_active?: boolean },
): Promise<Operatory> {
  const operatory: Operatory = { uuid: input.uuid ?? randomUUID(), location_uuid: input.location_uuid, name: input.name, is_active: input.is_active ?? true };
  const now = nowIso();
  try {
    await transactWrite([
      { ConditionCheck: { TableName: tableName, Key: keys.location(orgId, operatory.location_uuid), ConditionExpression: 'attribute_exists(pk)' } },
      {
        Put: {
          TableName: tableName,
          Item: { ...keys.operatory(orgId, operatory.location_uuid, operatory.uuid), entity: 'operatory', ...operatory, created_at: now, updated_at: now },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const [location, existing] = error.CancellationReasons ?? [];
    if (isConditionFailure(location)) throw notFound(`No location ${operatory.location_uuid} in this organisation.`);
    if (isConditionFailure(existing)) return operatory;
    throw error;
  }
  return operatory;
}

/** A location's operatories, active or not, by name; 404 if the location does not exist. */
export async function listOperatories(orgId: string, locationId: string) {
  const [location, items] = await Promise.all([getItem(keys.location(orgId, locationId)), queryKind(keys.operatoriesOf(orgId, locationId))]);
  if (!location) throw notFound(`No location ${locationId} in this organisation.`);
  const operatories = items.map(toOperatory).sort(byName);
  return { items: operatories, total: operatories.length };
}

/** The items of a location's active operatories, by name (with their schedule-guard versions). */
export async function activeOperatoryItems(orgId: string, locationId: string): Promise<Item[]> {
  const items = await queryKind(keys.operatoriesOf(orgId, locationId));
  return items.filter((o) => o.is_active === true).sort((a, b) => byName(toOperatory(a), toOperatory(b)));
}

/** Renames or (de)activates an operatory of the location in the path; 404 if it is not one of its chairs. */
export async function updateOperatory(
  orgId: string,
  locationId: string,
  operatoryId: string,
  changes: { name?: string; is_active?: boolean },
): Promise<Operatory> {
  const missing = `No operatory ${operatoryId} at location ${locationId} in this organisation.`;
  const key = keys.operatory(orgId, locationId, operatoryId);
  if (changes.is_active === undefined) return toOperatory(await updateExisting(key, { name: changes.name }, missing));
  return toOperatory(await changeActive(orgId, 'operatory', operatoryId, key, { name: changes.name }, changes.is_active, missing));
}

/**
 * Activates or deactivates a provider or an operatory, with its other changes, in one transaction
 * guarded like a schedule change (schedule-guard.ts): bookings after it see the new `is_active`,
 * and a deactivation is refused (409 has-appointments, naming each) while future live appointments
 * use the resource — including one booked between this read and this write, which fails the guard
 * and is found on the next read.
 */
async function changeActive(orgId: string, resource: Resource, resourceId: string, key: Key, changes: Changes, active: boolean, missing: string): Promise<Item> {
  for (let attempt = 1; attempt <= GUARD_ATTEMPTS; attempt++) {
    if (attempt > 1) await guardBackoff(attempt - 1);
    const [item, org] = await Promise.all([getItem(key), getItem(keys.org(orgId))]);
    if (!item || !org) throw notFound(missing);
    if (!active && item.is_active === true) {
      const now = Date.now();
      const horizon = { start: now, end: now + ((org.booking_horizon_days as number) + 1) * 86_400_000 };
      const future = await liveAppointmentsHolding(orgId, resource, resourceId, horizon, lockGranuleMinutes(org));
      if (future.length > 0) throw hasAppointments(resource, future.map((f) => ({ resource, resource_uuid: resourceId, appointment_uuid: f.uuid, slot_start: f.first_granule })));
    }
    const set = { ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined && v !== null)), is_active: active, updated_at: nowIso() };
    try {
      await transactWrite([scheduleChangeGuard(key, item, set)]);
      return { ...item, ...set };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // The guard failed: a booking took time of the resource meanwhile (or the item went away).
    }
  }
  throw busy();
}

// Providers --------------------------------------------------------------------------------------

export function toProvider(item: Item): Provider {
  return {
    uuid: item.uuid as string,
    first_name: item.first_name as string,
    last_name: item.last_name as string,
    title: item.title as string,
    is_active: item.is_active === true,
  };
}

export async function createProvider(
  orgId: string,
  input: { uuid?: string; first_name: string; last_name: string; title: string; is_active?: boolean },
): Promise<Provider> {
  const provider: Provider = {
    uuid: input.uuid ?? randomUUID(),
    first_name: input.first_name,
    last_name: input.last_name,
    title: input.title,
    is_active: input.is_active ?? true,
  };
  const now = nowIso();
  await putNew({ ...keys.provider(orgId, provider.uuid), entity: 'provider', ...provider, created_at: now, updated_at: now });
  return provider;
}

export async function getProvider(orgId: string, providerId: string): Promise<Provider> {
  const item = await getItem(keys.provider(orgId, providerId));
  if (!item) throw notFound(`No provider ${providerId} in this organisation.`);
  return toProvider(item);
}

/** The org's providers by last name, then first name; `is_active` filters. */
export async function listProviders(orgId: string, filter: { is_active?: boolean }) {
  const items = (await queryKind(keys.providers(orgId)))
    .map(toProvider)
    .filter((p) => filter.is_active === undefined || p.is_active === filter.is_active)
    .sort((a, b) => a.last_name.localeCompare(b.last_name) || a.first_name.localeCompare(b.first_name) || a.uuid.localeCompare(b.uuid));
  return { items, total: items.length };
}

export async function updateProvider(
  orgId: string,
  providerId: string,
  changes: { first_name?: string; last_name?: string; title?: string; is_active?: boolean },
): Promise<Provider> {
  const missing = `No provider ${providerId} in this organisation.`;
  const key = keys.provider(orgId, providerId);
  const fields = { first_name: changes.first_name, last_name: changes.last_name, title: changes.title };
  if (changes.is_active === undefined) return toProvider(await updateExisting(key, fields, missing));
  return toProvider(await changeActive(orgId, 'provider', providerId, key, fields, changes.is_active, missing));
}

// Appointment types ------------------------------------------------------------------------------

export function toAppointmentType(item: Item): AppointmentType {
  return {
    uuid: item.uuid as string,
    code: item.code as string,
    name: item.name as string,
    duration_minutes: item.duration_minutes as number,
    color: item.color as string,
    requires_exam: item.requires_exam as boolean,
    is_active: item.is_active as boolean,
  };
}

const codeClaim = (orgId: string, code: string, typeId: string) => ({
  ...keys.appointmentTypeCode(orgId, code),
  entity: 'appointment-type-code',
  code,
  appointment_type_uuid: typeId,
});

function duplicateCode(code: string, holder: Item | undefined): ApiError {
  const owner = holder?.appointment_type_uuid as string | undefined;
  return new ApiError('duplicate', `Another appointment type of this organisation has the code ${code}.`, {
    errors: [{ path: 'body.code', message: owner ? `is already the code of appointment type ${owner}` : 'is already taken' }],
  });
}

/**
 * Creates a type and claims its code in one transaction: 409 if another type has the code. Creating
 * with a caller's uuid that exists already changes nothing (the demo loader).
 */
export async function createAppointmentType(
  orgId: string,
  input: Omit<AppointmentType, 'uuid' | 'is_active'> & { uuid?: string; is_active?: boolean },
): Promise<AppointmentType> {
  const type: AppointmentType = {
    uuid: input.uuid ?? randomUUID(),
    code: input.code,
    name: input.name,
    duration_minutes: input.duration_minutes,
    color: input.color,
    requires_exam: input.requires_exam,
    is_active: input.is_active ?? true,
  };
  const now = nowIso();
  try {
    await transactWrite([
      {
        Put: {
          TableName: tableName,
          Item: { ...keys.appointmentType(orgId, type.uuid), entity: 'appointment-type', ...type, created_at: now, updated_at: now },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: tableName,
          Item: codeClaim(orgId, type.code, type.uuid),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ]);
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const [existing, claim] = error.CancellationReasons ?? [];
    if (isConditionFailure(existing)) return type;
    if (isConditionFailure(claim)) throw duplicateCode(type.code, conditionFailureItem(claim?.Item));
    throw error;
  }
  return type;
}

export async function getAppointmentType(orgId: string, typeId: string): Promise<AppointmentType> {
  const item = await getItem(keys.appointmentType(orgId, typeId));
  if (!item) throw notFound(`No appointment type ${typeId} in this organisation.`);
  return toAppointmentType(item);
}

/** Every appointment type of the org (one Query), optionally only active or only archived, by name. */
export async function listAppointmentTypes(orgId: string, filter: { is_active?: boolean }) {
  const items = (await queryKind(keys.appointmentTypes(orgId)))
    .map(toAppointmentType)
    .filter((t) => filter.is_active === undefined || t.is_active === filter.is_active)
    .sort(byName);
  return { items, total: items.length };
}

/**
 * Changes the fields sent; `is_active: false` archives the type (bookings refuse it, it stays
 * readable and listed). A new code is one transaction: the type (conditioned on the code it was
 * read with), the new claim (409 if taken) and the release of the old one.
 */
export async function updateAppointmentType(
  orgId: string,
  typeId: string,
  changes: Partial<Omit<AppointmentType, 'uuid'>>,
): Promise<AppointmentType> {
  const key = keys.appointmentType(orgId, typeId);
  const missing = `No appointment type ${typeId} in this organisation.`;
  const fields: Changes = {
    name: changes.name,
    duration_minutes: changes.duration_minutes,
    color: changes.color,
    requires_exam: changes.requires_exam,
    is_active: changes.is_active,
  };
  const code = changes.code;
  if (code === undefined) return toAppointmentType(await updateExisting(key, fields, missing));

  // Release the old claim only if it is this type's (types from before claims existed have none).
  let releaseOld = true;
  for (let attempt = 1; attempt <= OPTIMISTIC_ATTEMPTS; attempt++) {
    const current = await getItem(key);
    if (!current) throw notFound(missing);
    const oldCode = current.code as string;
    if (oldCode === code) return toAppointmentType(await updateExisting(key, fields, missing));
    const { set, remove, names, values } = updateParts({ ...fields, code });
    try {
      await transactWrite([
        {
          Update: {
            TableName: tableName,
            Key: key,
            UpdateExpression: updateExpression(set, remove),
            ConditionExpression: 'attribute_exists(pk) AND #code = :old',
            ExpressionAttributeNames: { ...names, '#code': 'code' },
            ExpressionAttributeValues: { ...values, ':old': oldCode },
          },
        },
        { Put: { TableName: tableName, Item: codeClaim(orgId, code, typeId), ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
        ...(releaseOld
          ? [
              {
                Delete: {
                  TableName: tableName,
                  Key: keys.appointmentTypeCode(orgId, oldCode),
                  ConditionExpression: 'attribute_not_exists(pk) OR appointment_type_uuid = :id',
                  ExpressionAttributeValues: { ':id': typeId },
                },
              },
            ]
          : []),
      ]);
      const updated = await getItem(key);
      if (!updated) throw notFound(missing);
      return toAppointmentType(updated);
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [type, claim, release] = error.CancellationReasons ?? [];
      if (isConditionFailure(claim)) throw duplicateCode(code, conditionFailureItem(claim?.Item));
      if (isConditionFailure(release)) releaseOld = false;
      else if (!isConditionFailure(type)) throw error;
      // The type changed (or went) since it was read, or the old code is another type's: again.
    }
  }
  throw busy();
}
