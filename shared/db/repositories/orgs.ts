/** The organisation item (`ORG#o` / `ORG`): its settings and the unit of its slot locks. */
import { keys } from '../keys.ts';
import { getOne, putIf, updateIf, type Item } from '../operations.ts';
import { nowIso } from '../timestamps.ts';
import { ref, type Ref } from '../refs.ts';
import { updateExpression } from '../update-expression.ts';

export type OrgRecord = {
  uuid: string;
  name: string;
  slot_granularity_minutes: number;
  booking_horizon_days: number;
  /** The unit of the org's slot locks; organisations created before it was stored lock at their granularity. */
  lock_granule_minutes: number;
  /** Zone new locations default to in setup tools. */
  default_time_zone?: string;
};

export function toOrgRecord(item: Item): OrgRecord {
  const granularity = item.slot_granularity_minutes as number;
  return {
    uuid: item.uuid as string,
    name: item.name as string,
    slot_granularity_minutes: granularity,
    booking_horizon_days: item.booking_horizon_days as number,
    lock_granule_minutes: (item.lock_granule_minutes as number | undefined) ?? granularity,
    ...(typeof item.default_time_zone === 'string' ? { default_time_zone: item.default_time_zone } : {}),
  };
}

export const orgRef = (orgId: string): Ref<OrgRecord> => ref(keys.org(orgId), toOrgRecord);

export async function readOrg(orgId: string): Promise<OrgRecord | undefined> {
  const item = await getOne(keys.org(orgId));
  return item && toOrgRecord(item);
}

/** Writes a new organisation unless one with its uuid exists; says whether it wrote. */
export function putNewOrg(org: OrgRecord): Promise<boolean> {
  return putIf({ ...keys.org(org.uuid), entity: 'org', ...org, created_at: nowIso() }, { ConditionExpression: 'attribute_not_exists(pk)' });
}

/**
 * Changes the settings sent, on condition that the lock unit is still `lock` — pinning it on an
 * organisation that predates it. Undefined when the condition failed (gone, or the unit changed).
 */
export async function updateOrgSettings(
  orgId: string,
  changes: { name?: string; slot_granularity_minutes?: number; booking_horizon_days?: number },
  lock: number,
): Promise<OrgRecord | undefined> {
  const update = updateExpression(
    { name: changes.name, slot_granularity_minutes: changes.slot_granularity_minutes, booking_horizon_days: changes.booking_horizon_days, updated_at: nowIso() },
    { set: ['#lock = if_not_exists(#lock, :lock)'], names: { '#lock': 'lock_granule_minutes', '#granularity': 'slot_granularity_minutes' }, values: { ':lock': lock } },
  );
  const item = await updateIf(keys.org(orgId), {
    ...update,
    ConditionExpression: 'attribute_exists(pk) AND (#lock = :lock OR (attribute_not_exists(#lock) AND #granularity = :lock))',
  });
  return item && toOrgRecord(item);
}
