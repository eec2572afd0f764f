/**
 * Operatories (chairs): `OPERATORY#<location>#<uuid>` items in the org partition, sorted under
 * their location (one Query lists a location's chairs). Each carries its schedule-guard versions
 * and its time off (schedule-guards.ts).
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { getOne, queryPrefix, updateIf, type Item, type TransactItem } from '../operations.ts';
import { nowIso } from '../timestamps.ts';
import { ref, type Ref } from '../refs.ts';
import { updateExpression } from '../update-expression.ts';
import { bookingGuard, guardedState, scheduleChangeGuard, timeOffMapChange, type GuardedState } from './schedule-guards.ts';

export type OperatoryFields = { uuid: string; location_uuid: string; name: string; is_active: boolean };
export type OperatoryRecord = OperatoryFields & GuardedState;

export function toOperatoryRecord(item: Item): OperatoryRecord {
  return {
    uuid: item.uuid as string,
    location_uuid: item.location_uuid as string,
    name: item.name as string,
    is_active: item.is_active === true,
    ...guardedState(item),
  };
}

const keyOf = (orgId: string, o: { location_uuid: string; uuid: string }) => keys.operatory(orgId, o.location_uuid, o.uuid);

export const operatoryRef = (orgId: string, locationId: string, operatoryId: string): Ref<OperatoryRecord> =>
  ref(keys.operatory(orgId, locationId, operatoryId), toOperatoryRecord);

export async function readOperatory(orgId: string, locationId: string, operatoryId: string): Promise<OperatoryRecord | undefined> {
  const item = await getOne(keys.operatory(orgId, locationId, operatoryId));
  return item && toOperatoryRecord(item);
}

/** A location's operatories, active or not: one consistent Query. */
export async function listOperatoryRecords(orgId: string, locationId: string): Promise<OperatoryRecord[]> {
  return (await queryPrefix(keys.operatoriesOf(orgId, locationId), { consistent: true })).map(toOperatoryRecord);
}

/** The Put of a new operatory, unless one with its key exists. */
export function putNewOperatory(orgId: string, operatory: OperatoryFields): TransactItem {
  const now = nowIso();
  return {
    Put: {
      TableName: tableName,
      Item: { ...keyOf(orgId, operatory), entity: 'operatory', ...operatory, created_at: now, updated_at: now },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Changes the fields sent; undefined when there is no such operatory at the location. */
export async function updateOperatoryFields(orgId: string, locationId: string, operatoryId: string, changes: { name?: string }): Promise<OperatoryRecord | undefined> {
  const item = await updateIf(keys.operatory(orgId, locationId, operatoryId), {
    ...updateExpression({ ...changes, updated_at: nowIso() }),
    ConditionExpression: 'attribute_exists(pk)',
  });
  return item && toOperatoryRecord(item);
}

export const operatoryBookingGuard = (orgId: string, seen: OperatoryRecord): TransactItem => bookingGuard(keyOf(orgId, seen), seen);

export const operatoryScheduleChange = (orgId: string, seen: OperatoryRecord, set: Record<string, unknown> = {}, options: { sameSchedule?: boolean } = {}): TransactItem =>
  scheduleChangeGuard(keyOf(orgId, seen), seen, set, options);

export const operatoryTimeOffChange = (orgId: string, seen: OperatoryRecord, map: Record<string, string>): TransactItem => timeOffMapChange(keyOf(orgId, seen), seen, map);
