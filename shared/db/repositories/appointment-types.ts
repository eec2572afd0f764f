/**
 * Appointment types: `APPTTYPE#<uuid>` items in the org partition, and the claim of each type's
 * code (`APPTTYPECODE#<code>`), written in the same transaction as the type so two types of an
 * organisation never share a code.
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { getOne, queryPrefix, updateIf, type Item, type TransactItem } from '../operations.ts';
import { nowIso } from '../timestamps.ts';
import { ref, type Ref } from '../refs.ts';
import { updateExpression } from '../update-expression.ts';

export type AppointmentTypeRecord = {
  uuid: string;
  code: string;
  name: string;
  duration_minutes: number;
  color: string;
  requires_exam: boolean;
  is_active: boolean;
};

export function toAppointmentTypeRecord(item: Item): AppointmentTypeRecord {
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

export const appointmentTypeRef = (orgId: string, typeId: string): Ref<AppointmentTypeRecord> => ref(keys.appointmentType(orgId, typeId), toAppointmentTypeRecord);

export async function readAppointmentType(orgId: string, typeId: string): Promise<AppointmentTypeRecord | undefined> {
  const item = await getOne(keys.appointmentType(orgId, typeId));
  return item && toAppointmentTypeRecord(item);
}

/** Every appointment type of the org: one consistent Query. */
export async function listAppointmentTypeRecords(orgId: string): Promise<AppointmentTypeRecord[]> {
  return (await queryPrefix(keys.appointmentTypes(orgId), { consistent: true })).map(toAppointmentTypeRecord);
}

/** The Put of a new type, unless one with its key exists. */
export function putNewAppointmentType(orgId: string, type: AppointmentTypeRecord): TransactItem {
  const now = nowIso();
  return {
    Put: {
      TableName: tableName,
      Item: { ...keys.appointmentType(orgId, type.uuid), entity: 'appointment-type', ...type, created_at: now, updated_at: now },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export type TypeChanges = { name?: string; duration_minutes?: number; color?: string; requires_exam?: boolean; is_active?: boolean; code?: string };

/** Changes the fields sent; undefined when there is no such type. */
export async function updateAppointmentTypeFields(orgId: string, typeId: string, changes: TypeChanges): Promise<AppointmentTypeRecord | undefined> {
  const item = await updateIf(keys.appointmentType(orgId, typeId), {
    ...updateExpression({ ...changes, updated_at: nowIso() }),
    ConditionExpression: 'attribute_exists(pk)',
  });
  return item && toAppointmentTypeRecord(item);
}

/** The Update of a type's fields with a new code, on condition that its code is still `oldCode`. */
export function updateTypeWithCode(orgId: string, typeId: string, changes: TypeChanges & { code: string }, oldCode: string): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: keys.appointmentType(orgId, typeId),
      ...updateExpression({ ...changes, updated_at: nowIso() }, { names: { '#code': 'code' }, values: { ':old': oldCode } }),
      ConditionExpression: 'attribute_exists(pk) AND #code = :old',
    },
  };
}

/** The holder of a code claim, as a failed claim returns it (ALL_OLD). */
export const claimHolder = (item: Item | undefined): string | undefined => item?.appointment_type_uuid as string | undefined;

/** The Put claiming a code for a type; fails (returning the holder's claim) if the code is taken. */
export function claimCode(orgId: string, code: string, typeId: string): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: { ...keys.appointmentTypeCode(orgId, code), entity: 'appointment-type-code', code, appointment_type_uuid: typeId },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** The Delete releasing a code claim, if it is still this type's (or already gone). */
export function releaseCode(orgId: string, code: string, typeId: string): TransactItem {
  return {
    Delete: {
      TableName: tableName,
      Key: keys.appointmentTypeCode(orgId, code),
      ConditionExpression: 'attribute_not_exists(pk) OR appointment_type_uuid = :id',
      ExpressionAttributeValues: { ':id': typeId },
    },
  };
}

/**
 * A transaction item that fails unless the type still does not require an exam: what a booking with
 * a provider who cannot examine relies on, checked as it commits (a concurrent type change to
 * `requires_exam: true` cancels it).
 */
export function typeStillWithoutExam(orgId: string, typeId: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: keys.appointmentType(orgId, typeId),
      ConditionExpression: 'attribute_exists(pk) AND NOT requires_exam = :true',
      ExpressionAttributeValues: { ':true': true },
    },
  };
}
