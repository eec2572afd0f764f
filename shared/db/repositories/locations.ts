/**
 * Locations: `LOCATION#<uuid>` items in the org partition. A location lists its operatories' uuids
 * (`operatory_uuids`, a string set, with `chairs_listed` saying the set is complete), so a booking
 * that leaves the chair to us reads the chairs and their slot locks together in the stage after the
 * location, with no Query. Locations written before the list existed have no `chairs_listed`: their
 * first new operatory lists the rest too (domain/operatories.ts); until then a booking queries them.
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { getOne, putIf, queryPrefix, updateIf, type Item, type TransactItem } from '../operations.ts';
import { nowIso } from '../timestamps.ts';
import { ref, type Ref } from '../refs.ts';
import { updateExpression } from '../update-expression.ts';

export type LocationRecord = { uuid: string; name: string; time_zone: string; address: string | null };
/** A location with the uuids of its operatories, active or not (undefined: not listed on the item yet). */
export type LocationWithChairs = LocationRecord & { operatory_uuids: string[] | undefined };

/** How many operatories a location may have: what a booking reads of its chairs stays bounded. */
export const MAX_OPERATORIES_PER_LOCATION = 50;

export function toLocationRecord(item: Item): LocationWithChairs {
  const listed = item.operatory_uuids instanceof Set ? [...(item.operatory_uuids as Set<string>)].sort() : [];
  return {
    uuid: item.uuid as string,
    name: item.name as string,
    time_zone: item.time_zone as string,
    address: (item.address as string | undefined) ?? null,
    operatory_uuids: item.chairs_listed === true ? listed : undefined,
  };
}

export const locationRef = (orgId: string, locationId: string): Ref<LocationWithChairs> => ref(keys.location(orgId, locationId), toLocationRecord);

export async function readLocation(orgId: string, locationId: string, options: { consistent?: boolean } = {}): Promise<LocationWithChairs | undefined> {
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
    // No operatory yet: the (empty, so absent) set is complete.
    { ...keys.location(orgId, location.uuid), entity: 'location', ...location, address: location.address ?? undefined, chairs_listed: true, created_at: now, updated_at: now },
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

/**
 * A transaction item that adds operatories to the location's list and fails unless the location
 * exists and has room. `listed` says the item's list was complete when read; when it was not (a
 * location from before the list), `uuids` must be every operatory of the location, and the list is
 * complete from this write on.
 */
export function addOperatoriesToLocation(orgId: string, locationId: string, uuids: readonly string[], listed: boolean): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: keys.location(orgId, locationId),
      UpdateExpression: 'ADD operatory_uuids :uuids SET chairs_listed = :listed',
      ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(operatory_uuids) OR size(operatory_uuids) <= :room)${listed ? ' AND chairs_listed = :listed' : ''}`,
      ExpressionAttributeValues: { ':uuids': new Set(uuids), ':listed': true, ':room': MAX_OPERATORIES_PER_LOCATION - uuids.length },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}
