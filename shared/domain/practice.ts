/**
 * The practice's setup: the organisation, its locations, operatories (chairs), providers, working
 * hours and appointment types. Issue #4 adds the routes that edit these; until then the demo clinic
 * and the tests create them through the functions here.
 *
 * Access patterns: everything lives in the org partition (`ORG#o`), one sort-key prefix per kind, so
 * a kind is one Query and one item is one GetItem.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../db/client.ts';
import { keys } from '../db/keys.ts';
import { nowIso, queryAll, type Item } from '../db/operations.ts';
import { DEFAULT_GRANULARITY_MINUTES } from '../time/granules.ts';
import type { AppointmentType } from '../schemas/appointment-types.ts';

export type Org = { uuid: string; name: string; slot_granularity_minutes: number; booking_horizon_days: number };
export type Location = { uuid: string; name: string; time_zone: string; address?: string };
export type Operatory = { uuid: string; location_uuid: string; name: string; is_active: boolean };
export type Provider = { uuid: string; first_name: string; last_name: string; title: string; is_active: boolean };
/** Local `HH:mm` intervals per ISO weekday (1 = Monday … 7 = Sunday). */
export type WeeklyHours = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', { start: string; end: string }[]>>;

/**
 * Puts an item unless one with its key exists, and says whether it wrote. Creating with a caller's
 * uuid twice (the demo loader on every start) therefore never duplicates or overwrites anything.
 */
async function putNew(item: Item & { pk: string; sk: string }): Promise<boolean> {
  try {
    await db.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

export async function createOrg(input: { uuid?: string; name: string; slot_granularity_minutes?: number; booking_horizon_days?: number }): Promise<Org> {
  const org: Org = {
    uuid: input.uuid ?? randomUUID(),
    name: input.name,
    slot_granularity_minutes: input.slot_granularity_minutes ?? DEFAULT_GRANULARITY_MINUTES,
    booking_horizon_days: input.booking_horizon_days ?? 365,
  };
  await putNew({ ...keys.org(org.uuid), entity: 'org', ...org, created_at: nowIso() });
  return org;
}

export async function createLocation(orgId: string, input: Omit<Location, 'uuid'> & { uuid?: string }): Promise<Location> {
  const location: Location = { ...input, uuid: input.uuid ?? randomUUID() };
  await putNew({ ...keys.location(orgId, location.uuid), entity: 'location', ...location, created_at: nowIso() });
  return location;
}

export async function createOperatory(orgId: string, input: Omit<Operatory, 'uuid' | 'is_active'> & { uuid?: string; is_active?: boolean }): Promise<Operatory> {
  const operatory: Operatory = { ...input, uuid: input.uuid ?? randomUUID(), is_active: input.is_active ?? true };
  await putNew({ ...keys.operatory(orgId, operatory.location_uuid, operatory.uuid), entity: 'operatory', ...operatory, created_at: nowIso() });
  return operatory;
}

export async function createProvider(orgId: string, input: Omit<Provider, 'uuid' | 'is_active'> & { uuid?: string; is_active?: boolean }): Promise<Provider> {
  const provider: Provider = { ...input, uuid: input.uuid ?? randomUUID(), is_active: input.is_active ?? true };
  await putNew({ ...keys.provider(orgId, provider.uuid), entity: 'provider', ...provider, created_at: nowIso() });
  return provider;
}

export async function setWorkingHours(orgId: string, providerId: string, locationId: string, hours: WeeklyHours): Promise<void> {
  await putNew({
    ...keys.workingHours(orgId, providerId, locationId),
    entity: 'working-hours',
    provider_uuid: providerId,
    location_uuid: locationId,
    weekly: hours,
    created_at: nowIso(),
  });
}

export async function createAppointmentType(
  orgId: string,
  input: Omit<AppointmentType, 'uuid' | 'is_active'> & { uuid?: string; is_active?: boolean },
): Promise<AppointmentType> {
  const type: AppointmentType = { ...input, uuid: input.uuid ?? randomUUID(), is_active: input.is_active ?? true };
  await putNew({ ...keys.appointmentType(orgId, type.uuid), entity: 'appointment-type', ...type, created_at: nowIso() });
  return type;
}

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

/** Every appointment type of the org (one Query), optionally only active or only archived, by name. */
export async function listAppointmentTypes(orgId: string, filter: { is_active?: boolean }) {
  const { pk, skPrefix } = keys.appointmentTypes(orgId);
  const items = (
    await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
    })
  )
    .map(toAppointmentType)
    .filter((t) => filter.is_active === undefined || t.is_active === filter.is_active)
    .sort((a, b) => a.name.localeCompare(b.name) || a.uuid.localeCompare(b.uuid));
  return { items, total: items.length };
}

/** Active operatories of a location, by name (one Query). */
export async function activeOperatories(orgId: string, locationId: string): Promise<Operatory[]> {
  const { pk, skPrefix } = keys.operatoriesOf(orgId, locationId);
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
    ConsistentRead: true,
  });
  return items
    .filter((i) => i.is_active === true)
    .map((i) => ({ uuid: i.uuid as string, location_uuid: i.location_uuid as string, name: i.name as string, is_active: true }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.uuid.localeCompare(b.uuid));
}
