/**
 * Operatories (chairs) of a location. They sort under their location (`OPERATORY#location#operatory`):
 * a location's chairs are one Query, and an operatory named under another location simply does not
 * exist.
 */
import { randomUUID } from 'node:crypto';
import { namedTransaction } from '../db/operations.ts';
import { addOperatoriesToLocation, MAX_OPERATORIES_PER_LOCATION, readLocation } from '../db/repositories/locations.ts';
import {
  listOperatoryRecords,
  operatoryScheduleChange,
  putNewOperatory,
  readOperatory,
  updateOperatoryFields,
  type OperatoryRecord,
} from '../db/repositories/operatories.ts';
import { ApiError, notFound, unprocessable } from '../errors.ts';
import type { Operatory } from '../schemas/operatories.ts';
import { byName } from './practice-rules.ts';
import { changeActive } from './resource-activation.ts';

export type { Operatory };

export function toOperatory(record: OperatoryRecord): Operatory {
  return { uuid: record.uuid, location_uuid: record.location_uuid, name: record.name, is_active: record.is_active };
}

/**
 * Adds an operatory to a location, in one transaction with the location's list of its chairs (404
 * if there is no such location; 422 past MAX_OPERATORIES_PER_LOCATION). A location from before the
 * list gets all its chairs listed with this one. Creating with a caller's uuid that exists already
 * changes nothing (the demo loader).
 */
export async function createOperatory(
  orgId: string,
  input: { uuid?: string; location_uuid: string; name: string; is_active?: boolean },
  attempt = 1,
): Promise<Operatory> {
  const operatory: Operatory = { uuid: input.uuid ?? randomUUID(), location_uuid: input.location_uuid, name: input.name, is_active: input.is_active ?? true };
  const location = await readLocation(orgId, operatory.location_uuid, { consistent: true });
  if (!location) throw notFound(`No location ${operatory.location_uuid} in this organisation.`);
  const listed = location.operatory_uuids !== undefined;
  const others = location.operatory_uuids ?? (await listOperatoryRecords(orgId, operatory.location_uuid)).map((o) => o.uuid);
  if (!others.includes(operatory.uuid) && others.length >= MAX_OPERATORIES_PER_LOCATION) throw tooManyOperatories();
  const tx = namedTransaction([
    ['location', addOperatoriesToLocation(orgId, operatory.location_uuid, listed ? [operatory.uuid] : [...new Set([...others, operatory.uuid])], listed)],
    ['operatory', putNewOperatory(orgId, operatory)],
  ]);
  try {
    await tx.commit();
  } catch (error) {
    const cancelled = tx.cancellation(error);
    if (!cancelled) throw error;
    // An existing uuid: nothing changed (and the location's list has it already, or is completed by the next create).
    if (cancelled.failed.has('operatory')) return operatory;
    if (cancelled.failed.has('location')) {
      const seen = cancelled.failures.find((f) => f.name === 'location')?.item;
      if (!seen) throw notFound(`No location ${operatory.location_uuid} in this organisation.`);
      // Full since we read it, or listed by a concurrent create: either way a fresh look decides.
      if (attempt >= 3) throw new ApiError('unavailable', 'The location kept changing while the operatory was being added; retry the request.');
      return createOperatory(orgId, { ...input, uuid: operatory.uuid }, attempt + 1);
    }
    throw error;
  }
  return operatory;
}

const tooManyOperatories = () =>
  unprocessable(`A location has at most ${MAX_OPERATORIES_PER_LOCATION} operatories.`, [{ path: 'path.location_uuid', message: `this location has ${MAX_OPERATORIES_PER_LOCATION} operatories` }]);

/** A location's operatories, active or not, by name; 404 if the location does not exist. */
export async function listOperatories(orgId: string, locationId: string) {
  const [location, records] = await Promise.all([readLocation(orgId, locationId), listOperatoryRecords(orgId, locationId)]);
  if (!location) throw notFound(`No location ${locationId} in this organisation.`);
  const operatories = records.map(toOperatory).sort(byName);
  return { items: operatories, total: operatories.length };
}

/** A location's active operatories, by name (with their schedule-guard versions and time off). */
export async function activeOperatories(orgId: string, locationId: string): Promise<OperatoryRecord[]> {
  const records = await listOperatoryRecords(orgId, locationId);
  return records.filter((o) => o.is_active).sort(byName);
}

/** Renames or (de)activates an operatory of the location in the path; 404 if it is not one of its chairs. */
export async function updateOperatory(
  orgId: string,
  locationId: string,
  operatoryId: string,
  changes: { name?: string; is_active?: boolean },
): Promise<Operatory> {
  const missing = `No operatory ${operatoryId} at location ${locationId} in this organisation.`;
  if (changes.is_active === undefined) {
    const updated = await updateOperatoryFields(orgId, locationId, operatoryId, { name: changes.name });
    if (!updated) throw notFound(missing);
    return toOperatory(updated);
  }
  const target = {
    resource: 'operatory' as const,
    id: operatoryId,
    read: () => readOperatory(orgId, locationId, operatoryId),
    guard: (seen: OperatoryRecord, set: Record<string, unknown>) => operatoryScheduleChange(orgId, seen, set),
  };
  return toOperatory(await changeActive(orgId, target, { name: changes.name }, changes.is_active, missing));
}
