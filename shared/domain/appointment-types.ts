/**
 * Appointment types. A type's code is claimed by an `APPTTYPECODE#code` item written in the same
 * transaction as the type, so two types of an organisation never share a code; changing the code
 * moves the claim in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { namedTransaction, type Item } from '../db/operations.ts';
import {
  claimCode,
  claimHolder,
  listAppointmentTypeRecords,
  putNewAppointmentType,
  readAppointmentType,
  releaseCode,
  updateAppointmentTypeFields,
  updateTypeWithCode,
  type TypeChanges,
} from '../db/repositories/appointment-types.ts';
import { again, withRetries } from '../db/retry.ts';
import { ApiError, notFound } from '../errors.ts';
import type { AppointmentType } from '../schemas/appointment-types.ts';
import { busy, byName, OPTIMISTIC_ATTEMPTS } from './practice-rules.ts';

function duplicateCode(code: string, holder: Item | undefined): ApiError {
  const owner = claimHolder(holder);
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
  const tx = namedTransaction([
    ['type', putNewAppointmentType(orgId, type)],
    ['claim', claimCode(orgId, type.code, type.uuid)],
  ]);
  try {
    await tx.commit();
  } catch (error) {
    const cancelled = tx.cancellation(error);
    if (!cancelled) throw error;
    if (cancelled.failed.has('type')) return type;
    if (cancelled.failed.has('claim')) throw duplicateCode(type.code, cancelled.failures.find((f) => f.name === 'claim')?.item);
    throw error;
  }
  return type;
}

export async function getAppointmentType(orgId: string, typeId: string): Promise<AppointmentType> {
  const record = await readAppointmentType(orgId, typeId);
  if (!record) throw notFound(`No appointment type ${typeId} in this organisation.`);
  return record;
}

/** Every appointment type of the org (one Query), optionally only active or only archived, by name. */
export async function listAppointmentTypes(orgId: string, filter: { is_active?: boolean }) {
  const items = (await listAppointmentTypeRecords(orgId)).filter((t) => filter.is_active === undefined || t.is_active === filter.is_active).sort(byName);
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
  const missing = `No appointment type ${typeId} in this organisation.`;
  const fields: TypeChanges = {
    name: changes.name,
    duration_minutes: changes.duration_minutes,
    color: changes.color,
    requires_exam: changes.requires_exam,
    is_active: changes.is_active,
  };
  const updateFields = async () => {
    const updated = await updateAppointmentTypeFields(orgId, typeId, fields);
    if (!updated) throw notFound(missing);
    return updated;
  };
  const code = changes.code;
  if (code === undefined) return updateFields();

  // Release the old claim only if it is this type's (types from before claims existed have none).
  let releaseOld = true;
  return withRetries({ attempts: OPTIMISTIC_ATTEMPTS, exhausted: busy }, async () => {
    const current = await readAppointmentType(orgId, typeId);
    if (!current) throw notFound(missing);
    const oldCode = current.code;
    if (oldCode === code) return updateFields();
    const tx = namedTransaction([
      ['type', updateTypeWithCode(orgId, typeId, { ...fields, code }, oldCode)],
      ['claim', claimCode(orgId, code, typeId)],
      ...(releaseOld ? [['release', releaseCode(orgId, oldCode, typeId)] as const] : []),
    ]);
    try {
      await tx.commit();
      const updated = await readAppointmentType(orgId, typeId);
      if (!updated) throw notFound(missing);
      return updated;
    } catch (error) {
      const cancelled = tx.cancellation(error);
      if (!cancelled) throw error;
      if (cancelled.failed.has('claim')) throw duplicateCode(code, cancelled.failures.find((f) => f.name === 'claim')?.item);
      if (cancelled.failed.has('release')) releaseOld = false;
      else if (!cancelled.failed.has('type')) throw error;
      // The type changed (or went) since it was read, or the old code is another type's: again.
      return again({ pause: false });
    }
  });
}
