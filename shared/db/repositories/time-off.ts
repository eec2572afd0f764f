/**
 * Time off: the entry itself (`ORG#o#TIMEOFF#<uuid>`, found by its uuid), and a copy in its
 * resource's time-off partition sorted by UTC start, so the blocks overlapping a range are one Query.
 * Both are written, and deleted, in one transaction (with the resource's `time_off` map).
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { getOne, queryAll, type Item, type Key, type TransactItem } from '../operations.ts';
import { nowIso } from '../timestamps.ts';
import type { Resource } from './slot-locks.ts';

export type AffectedRecord = { uuid: string; scheduled_start: string; scheduled_end: string; status: string };

export type TimeOffRecord = {
  uuid: string;
  resource_type: Resource;
  resource_uuid: string;
  location_uuid: string;
  time_zone: string;
  start_utc: string;
  end_utc: string;
  reason?: string;
  affected_appointments: AffectedRecord[];
  created_at: string;
};

export function toTimeOffRecord(item: Item): TimeOffRecord {
  return {
    uuid: item.uuid as string,
    resource_type: item.resource_type as Resource,
    resource_uuid: item.resource_uuid as string,
    location_uuid: item.location_uuid as string,
    time_zone: item.time_zone as string,
    start_utc: item.start_utc as string,
    end_utc: item.end_utc as string,
    ...(typeof item.reason === 'string' ? { reason: item.reason } : {}),
    affected_appointments: (item.affected_appointments as AffectedRecord[] | undefined) ?? [],
    created_at: item.created_at as string,
  };
}

/** One entry by uuid: a strongly consistent GetItem. */
export async function readTimeOff(orgId: string, timeOffId: string): Promise<TimeOffRecord | undefined> {
  const item = await getOne(keys.timeOff(orgId, timeOffId));
  return item && toTimeOffRecord(item);
}

/** The key of an entry (the witness of the transaction that creates it). */
export const timeOffWitness = (orgId: string, timeOffId: string): Key => keys.timeOff(orgId, timeOffId);

/**
 * The entries of one resource starting between `fromMs` and `toMs` (the whole of that second): one
 * strongly consistent Query of its time-off partition.
 */
export async function timeOffStartingBetween(orgId: string, resource: Resource, resourceId: string, fromMs: number, toMs: number): Promise<TimeOffRecord[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': keys.resourceTimeOffs(orgId, resource, resourceId).pk, ':from': nowIso(new Date(fromMs)), ':to': `${nowIso(new Date(toMs))}\uffff` },
    // Consistent: a booking reads time off under the schedule version it then guards (schedule-guard.ts).
    ConsistentRead: true,
  });
  return items.map(toTimeOffRecord);
}

function entryItem(entry: TimeOffRecord): Item {
  return { entity: 'time-off', ...entry };
}

/** The Puts of a new entry (unless its uuid exists) and of its copy in the resource's partition. */
export function putNewTimeOff(orgId: string, entry: TimeOffRecord): { entry: TransactItem; copy: TransactItem } {
  return {
    entry: { Put: { TableName: tableName, Item: { ...keys.timeOff(orgId, entry.uuid), ...entryItem(entry) }, ConditionExpression: 'attribute_not_exists(pk)' } },
    copy: { Put: { TableName: tableName, Item: { ...keys.resourceTimeOff(orgId, entry.resource_type, entry.resource_uuid, entry.start_utc, entry.uuid), ...entryItem(entry) } } },
  };
}

/** The Deletes of an entry (on condition that it still exists) and of its copy. */
export function deleteTimeOffItems(orgId: string, entry: TimeOffRecord): { entry: TransactItem; copy: TransactItem } {
  return {
    entry: { Delete: { TableName: tableName, Key: keys.timeOff(orgId, entry.uuid), ConditionExpression: 'attribute_exists(pk)' } },
    copy: { Delete: { TableName: tableName, Key: keys.resourceTimeOff(orgId, entry.resource_type, entry.resource_uuid, entry.start_utc, entry.uuid) } },
  };
}
