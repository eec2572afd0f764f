/**
 * Working hours of a provider at a location: `HOURS#<provider>#<location>` in the org partition, a
 * list of periods of weekly hours (records/working-hours.ts; see shared/domain/working-hours.ts).
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { queryPrefix, type Item, type TransactItem } from '../operations.ts';
import { toWorkingHoursRecord, type Period, type WeeklyByName, type WorkingHoursRecord } from '../records/working-hours.ts';
import { ref, type Ref } from '../refs.ts';

export type { Period, WeeklyByName, WorkingHoursRecord };

export const workingHoursRef = (orgId: string, providerId: string, locationId: string): Ref<WorkingHoursRecord> =>
  ref(keys.workingHours(orgId, providerId, locationId), toWorkingHoursRecord);

/** All locations' hours of a provider: one Query. */
export async function listWorkingHoursOf(orgId: string, providerId: string): Promise<WorkingHoursRecord[]> {
  return (await queryPrefix(keys.workingHoursOf(orgId, providerId))).map(toWorkingHoursRecord);
}

function hoursItem(orgId: string, hours: WorkingHoursRecord): Item {
  return { ...keys.workingHours(orgId, hours.provider_uuid, hours.location_uuid), entity: 'working-hours', ...hours };
}

/** The Put of hours without a version check; `onlyIfAbsent` leaves existing hours alone. */
export function putWorkingHoursItem(orgId: string, hours: WorkingHoursRecord, options: { onlyIfAbsent?: boolean } = {}): TransactItem {
  return { Put: { TableName: tableName, Item: hoursItem(orgId, hours), ...(options.onlyIfAbsent ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}) } };
}

/** The Put of hours computed from the version `seen` (undefined: none yet), conditioned on it and raising it. */
export function putWorkingHoursVersioned(orgId: string, hours: WorkingHoursRecord, seen: number | undefined): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: hoursItem(orgId, { ...hours, version: (seen ?? 0) + 1 }),
      ConditionExpression: seen === undefined ? 'attribute_not_exists(version)' : 'version = :seen',
      ...(seen === undefined ? {} : { ExpressionAttributeValues: { ':seen': seen } }),
    },
  };
}
