/** Locations of the practice: created, read, listed and changed (one item each in the org partition). */
import { randomUUID } from 'node:crypto';
import { listLocationRecords, putNewLocation, readLocation, updateLocationFields, type LocationRecord } from '../db/repositories/locations.ts';
import { notFound } from '../errors.ts';
import type { Location } from '../schemas/locations.ts';
import { byName } from './practice-rules.ts';

export type { Location };

/** The API's location: the record without its list of operatories (an index, not a field). */
const toLocation = (r: LocationRecord): Location => ({ uuid: r.uuid, name: r.name, time_zone: r.time_zone, address: r.address });

/** An empty address is no address (stored as absent, answered as `null`). */
const addressChange = (address: string | null | undefined) => (address === '' ? null : address);

export async function createLocation(
  orgId: string,
  input: { uuid?: string; name: string; time_zone: string; address?: string | null },
): Promise<Location> {
  const location: Location = { uuid: input.uuid ?? randomUUID(), name: input.name, time_zone: input.time_zone, address: addressChange(input.address) ?? null };
  await putNewLocation(orgId, location);
  return location;
}

export async function getLocation(orgId: string, locationId: string): Promise<Location> {
  const location = await readLocation(orgId, locationId);
  if (!location) throw notFound(`No location ${locationId} in this organisation.`);
  return toLocation(location);
}

/** Every location of the org, by name. */
export async function listLocations(orgId: string) {
  const items = (await listLocationRecords(orgId)).sort(byName).map(toLocation);
  return { items, total: items.length };
}

/** Changes the fields sent; `address: null` clears the address. */
export async function updateLocation(
  orgId: string,
  locationId: string,
  changes: { name?: string; time_zone?: string; address?: string | null },
): Promise<Location> {
  const location = await updateLocationFields(orgId, locationId, { name: changes.name, time_zone: changes.time_zone, address: addressChange(changes.address) });
  if (!location) throw notFound(`No location ${locationId} in this organisation.`);
  return toLocation(location);
}
