/** Locations: `LOCATION#<uuid>` items in the org partition. */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { getOne, putIf, queryPrefix, updateIf, type Item, type TransactItem } from '../operations.ts';
import { nowIso } from '../timestamps.ts';
import { ref, type Ref } from '../refs.ts';
import { updateExpression } from '../update-expression.ts';

export type LocationRecord = { uuid: string; name: string; time_zone: string; address: string | null };

export function toLocationRecord(item: Item): LocationRecord {
  return {
    uuid: item.uuid as string,
    name: item.name as string,
    time_zone: item.time_zone as string,
    address: (item.address as string | undefined) ?? null,
  };
}

export const locationRef = (orgId: string, locationId: string): Ref<LocationRecord> => ref(keys.location(orgId, locationId), toLocationRecord);

export async function readLocation(orgId: string, locationId: string, options: { consistent?: boolean } = {}): Promise<LocationRecord | undefined> {
  const item = await getOne(keys.location(orgId, locationId), options);
  return item && toLocationRecord(item);
}

/** Every location of the org: one consistent Query. */
export async function listLocationRecords(orgId: string): Promise<LocationRecord[]> {
  return (await queryPrefix(keys.locations(orgId), { consistent: true })).map(toLocationRecord);
}

/** Writes a new location (no address: none stored) unless one with its uuid exists; says whether it wrote. */
export function putNewLocation(orgId: string, location: LocationRecord): Promise<boolean> {
  const now = nowIso();
  return putIf(
    { ...keys.location(orgId, location.uuid), entity: 'location', ...location, address: location.address ?? undefined, created_at: now, updated_at: now },
    { ConditionExpression: 'attribute_not_exists(pk)' },
  );
}

/** Changes the fields sent (`null` removes); undefined when there is no such location. */
export async function updateLocationFields(
  orgId: string,
  locationId: string,
  changes: { name?: string; time_zone?: string; address?: string | null },
): Promise<LocationRecord | undefined> {
  const item = await updateIf(keys.location(orgId, locationId), {
    ...updateExpression({ ...changes, updated_at: nowIso() }),
    ConditionExpression: 'attribute_exists(pk)',
  });
  return item && toLocationRecord(item);
}

/** A transaction item that fails unless the location exists. */
export function locationExists(orgId: string, locationId: string): TransactItem {
  return { ConditionCheck: { TableName: tableName, Key: keys.location(orgId, locationId), ConditionExpression: 'attribute_exists(pk)' } };
}
