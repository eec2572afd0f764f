/**
 * The organisation and its settings. Access pattern: the org item (`ORG#o` / `ORG`), one GetItem,
 * strongly consistent (an admin screen reads what it has just written).
 */
import { randomUUID } from 'node:crypto';
import { putNewOrg, readOrg, updateOrgSettings, type OrgRecord } from '../db/repositories/orgs.ts';
import { again, withRetries } from '../db/retry.ts';
import { notFound, unprocessable } from '../errors.ts';
import { DEFAULT_GRANULARITY_MINUTES } from '../time/granules.ts';
import type { Settings } from '../schemas/settings.ts';
import { busy, OPTIMISTIC_ATTEMPTS } from './practice-rules.ts';

export type { Settings };
export type Org = OrgRecord;

export async function createOrg(input: {
  uuid?: string;
  name: string;
  slot_granularity_minutes?: number;
  booking_horizon_days?: number;
  /** Zone new locations default to in setup tools. */
  default_time_zone?: string;
}): Promise<Org> {
  const org: Org = {
    uuid: input.uuid ?? randomUUID(),
    name: input.name,
    ...(input.default_time_zone ? { default_time_zone: input.default_time_zone } : {}),
    slot_granularity_minutes: input.slot_granularity_minutes ?? DEFAULT_GRANULARITY_MINUTES,
    booking_horizon_days: input.booking_horizon_days ?? 365,
    // Slot locks use this unit for the organisation's life: locks of one unit cannot see locks of
    // another, so the granularity may later change only to multiples of it.
    lock_granule_minutes: input.slot_granularity_minutes ?? DEFAULT_GRANULARITY_MINUTES,
  };
  await putNewOrg(org);
  return org;
}

function toSettings(org: OrgRecord): Settings {
  return {
    name: org.name,
    slot_granularity_minutes: org.slot_granularity_minutes,
    booking_horizon_days: org.booking_horizon_days,
    lock_granule_minutes: org.lock_granule_minutes,
  };
}

async function requireOrg(orgId: string): Promise<OrgRecord> {
  const org = await readOrg(orgId);
  if (!org) throw notFound('No such organisation.');
  return org;
}

export async function getSettings(orgId: string): Promise<Settings> {
  return toSettings(await requireOrg(orgId));
}

/**
 * Changes the name, granularity or booking horizon. The granularity must stay a multiple of the lock
 * unit. The write is conditioned on the lock unit it was checked against, and pins that unit on an
 * organisation that predates it (whose unit would otherwise follow the granularity it is changing).
 */
export async function updateSettings(
  orgId: string,
  changes: { name?: string; slot_granularity_minutes?: number; booking_horizon_days?: number },
): Promise<Settings> {
  return withRetries({ attempts: OPTIMISTIC_ATTEMPTS, exhausted: busy }, async () => {
    const lock = (await requireOrg(orgId)).lock_granule_minutes;
    const granularity = changes.slot_granularity_minutes;
    if (granularity !== undefined && granularity % lock !== 0) {
      throw unprocessable(`The slot granularity must be a multiple of ${lock} minutes.`, [
        {
          path: 'body.slot_granularity_minutes',
          message: `must be a multiple of ${lock}: slot locks were fixed at ${lock} minutes when the organisation was created, and locks of different units cannot see each other, which would allow double bookings`,
        },
      ]);
    }
    const updated = await updateOrgSettings(orgId, { name: changes.name, slot_granularity_minutes: granularity, booking_horizon_days: changes.booking_horizon_days }, lock);
    // Gone, or an older organisation's granularity changed since it was read: read again.
    return updated ? toSettings(updated) : again({ pause: false });
  });
}
