/**
 * Operatories (chairs) of a location. They sort under their location (`OPERATORY#location#operatory`):
 * a location's chairs are one Query, and an operatory named under another location simply does not
 * exist.
 */
import { randomUUID } from 'node:crypto';
import { namedTransaction } from '../db/operations.ts';
import { locationExists, readLocation } from '../db/repositories/locations.ts';
import {
  listOperatoryRecords,
  operatoryScheduleChange,
  putNewOperatory,
  readOperatory,
  updateOperatoryFields,
  type OperatoryRecord,
} from '../db/repositories/operatories.ts';
import { notFound } from '../errors.ts';
import type { Operatory } from '../schemas/operatories.ts';
import { byName } from './practice-rules.ts';
import { changeActive } from './resource-activation.ts';

export type { Operatory };

export function toOperatory(record: OperatoryRecord): Operatory {
  return { uuid: record.uuid, location_uuid: record.location_uuid, name: record.name, is_active: record.is_active };
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
  const tx = namedTransaction([
    ['location', locationExists(orgId, operatory.location_uuid)],
    ['operatory', putNewOperatory(orgId, operatory)],
  ]);
  try {
    await tx.commit();
  } catch (error) {
    const cancelled = tx.cancellation(error);
    if (!cancelled) throw error;
    if (cancelled.failed.has('location')) throw notFound(`No location ${operatory.location_uuid} in this organisation.`);
    if (cancelled.failed.has('operatory')) return operatory;
    throw error;
  }
  return operatory;
}

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
