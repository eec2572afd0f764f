/**
 * Providers: `PROVIDER#<uuid>` items in the org partition. Each carries its schedule-guard versions
 * and its time off (schedule-guards.ts).
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { getOne, putIf, queryPrefix, updateIf, type Item, type TransactItem } from '../operations.ts';
import { nowIso } from '../timestamps.ts';
import { ref, type Ref } from '../refs.ts';
import { updateExpression } from '../update-expression.ts';
import { bookingGuard, guardedState, raiseScheduleVersion, scheduleChangeGuard, timeOffMapChange, type GuardedState } from './schedule-guards.ts';

/** `can_examine`: may take types with `requires_exam`; items from before the attribute read as `true`. */
export type ProviderFields = { uuid: string; first_name: string; last_name: string; title: string; is_active: boolean; can_examine: boolean };
export type ProviderRecord = ProviderFields & GuardedState;

export function toProviderRecord(item: Item): ProviderRecord {
  return {
    uuid: item.uuid as string,
    first_name: item.first_name as string,
    last_name: item.last_name as string,
    title: item.title as string,
    is_active: item.is_active === true,
    can_examine: item.can_examine !== false,
    ...guardedState(item),
  };
}

export const providerRef = (orgId: string, providerId: string): Ref<ProviderRecord> => ref(keys.provider(orgId, providerId), toProviderRecord);

export async function readProvider(orgId: string, providerId: string, options: { consistent?: boolean } = {}): Promise<ProviderRecord | undefined> {
  const item = await getOne(keys.provider(orgId, providerId), options);
  return item && toProviderRecord(item);
}

/** Every provider of the org: one Query (consistent when asked). */
export async function listProviderRecords(orgId: string, options: { consistent?: boolean } = {}): Promise<ProviderRecord[]> {
  return (await queryPrefix(keys.providers(orgId), options)).map(toProviderRecord);
}

/** Writes a new provider unless one with its uuid exists; says whether it wrote. */
export function putNewProvider(orgId: string, provider: ProviderFields): Promise<boolean> {
  const now = nowIso();
  return putIf({ ...keys.provider(orgId, provider.uuid), entity: 'provider', ...provider, created_at: now, updated_at: now }, { ConditionExpression: 'attribute_not_exists(pk)' });
}

/**
 * Changes the fields sent; undefined when there is no such provider. A change of `can_examine` also
 * raises `schedule_version`, so a booking or move that read the old value fails its guard
 * (schedule-guard.ts) and reads again.
 */
export async function updateProviderFields(
  orgId: string,
  providerId: string,
  changes: { first_name?: string; last_name?: string; title?: string; can_examine?: boolean },
): Promise<ProviderRecord | undefined> {
  const raise = changes.can_examine !== undefined;
  const item = await updateIf(keys.provider(orgId, providerId), {
    ...updateExpression({ ...changes, updated_at: nowIso() }, raise ? { add: ['schedule_version :one'], values: { ':one': 1 } } : {}),
    ConditionExpression: 'attribute_exists(pk)',
  });
  return item && toProviderRecord(item);
}

/** A transaction item that fails unless the provider exists. */
export function providerExists(orgId: string, providerId: string): TransactItem {
  return { ConditionCheck: { TableName: tableName, Key: keys.provider(orgId, providerId), ConditionExpression: 'attribute_exists(pk)' } };
}

export const providerBookingGuard = (orgId: string, seen: ProviderRecord): TransactItem => bookingGuard(keys.provider(orgId, seen.uuid), seen);

export const providerScheduleChange = (orgId: string, seen: ProviderRecord, set: Record<string, unknown> = {}, options: { sameSchedule?: boolean } = {}): TransactItem =>
  scheduleChangeGuard(keys.provider(orgId, seen.uuid), seen, set, options);

export const providerTimeOffChange = (orgId: string, seen: ProviderRecord, map: Record<string, string>): TransactItem => timeOffMapChange(keys.provider(orgId, seen.uuid), seen, map);

/** Raises the provider's schedule version without a guard (hours loaded by setup tools). */
export const providerScheduleRaised = (orgId: string, providerId: string): TransactItem => raiseScheduleVersion(keys.provider(orgId, providerId));

/**
 * A transaction item that fails unless the provider may still examine (`can_examine` not `false`;
 * items from before the attribute count as able). Pins an exam booking's provider where the
 * transaction carries no booking guard of it (a type change that takes no new time).
 */
export function providerStillExamines(orgId: string, providerId: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: keys.provider(orgId, providerId),
      ConditionExpression: 'attribute_exists(pk) AND NOT can_examine = :false',
      ExpressionAttributeValues: { ':false': false },
    },
  };
}
