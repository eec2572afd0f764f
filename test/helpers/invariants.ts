/**
 * What must always hold between appointments and slot locks, read back from the table:
 * no two active appointments overlap on a provider or an operatory, and the locks are exactly those
 * of the active appointments (none orphaned, none missing).
 */
import { expect } from 'vitest';
import { queryAll } from '#shared/db/operations.ts';
import { keys } from '#shared/db/keys.ts';
import { INDEXES } from '#shared/db/table-definition.ts';
import { granuleId, granuleStarts } from '#shared/time/granules.ts';

/** Statuses that hold their time (cancelled and no_show release it). */
export const HOLDS_TIME = new Set(['scheduled', 'confirmed', 'arrived', 'completed']);

/** `version` orders answers: concurrent changes of one appointment are applied in commit order. */
export type AppointmentState = { status: string; provider: string; operatory: string; start: number; end: number; version: number };

const partition = (pk: string) => queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });

/** Every appointment of the org: found through the day-view index, each read strongly. */
export async function readAppointments(orgId: string): Promise<Map<string, AppointmentState>> {
  const index = INDEXES.appointmentsByStart;
  const indexed = await queryAll({
    IndexName: index.name,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': index.partitionKey },
    ExpressionAttributeValues: { ':pk': keys.appointmentsByStart.partition(orgId) },
  });
  const appointments = new Map<string, AppointmentState>();
  for (const entry of indexed) {
    const [item] = await partition(keys.appointment(orgId, entry.uuid as string).pk);
    appointments.set(item!.uuid as string, {
      status: item!.status as string,
      provider: item!.provider_uuid as string,
      operatory: item!.operatory_uuid as string,
      start: Date.parse(item!.start_utc as string),
      end: Date.parse(item!.end_utc as string),
      version: item!.version as number,
    });
  }
  return appointments;
}

/** Every slot lock of these providers and operatories, as `resource:uuid:granule:appointment`. */
export async function readLocks(orgId: string, providerIds: string[], operatoryIds: string[]): Promise<string[]> {
  const items = [
    ...(await Promise.all(providerIds.map((p) => partition(keys.providerSlots(orgId, p).pk)))).flat(),
    ...(await Promise.all(operatoryIds.map((o) => partition(keys.operatorySlots(orgId, o).pk)))).flat(),
  ];
  return items.map((l) => `${l.resource_type}:${l.resource_uuid}:${l.sk}:${l.appointment_uuid}`).sort();
}

export function expectedLocks(appointments: Map<string, AppointmentState>, lockGranuleMinutes = 15): string[] {
  return [...appointments.entries()]
    .filter(([, a]) => HOLDS_TIME.has(a.status))
    .flatMap(([id, a]) =>
      granuleStarts(a.start, a.end, lockGranuleMinutes).flatMap((g) => [`provider:${a.provider}:${granuleId(g)}:${id}`, `operatory:${a.operatory}:${granuleId(g)}:${id}`]),
    )
    .sort();
}

export function assertNoOverlaps(appointments: Map<string, AppointmentState>): void {
  const active = [...appointments.entries()].filter(([, a]) => HOLDS_TIME.has(a.status));
  for (const [i, [idA, a]] of active.entries()) {
    for (const [idB, b] of active.slice(i + 1)) {
      if (a.start < b.end && b.start < a.end) {
        expect(a.provider === b.provider, `provider double-booked: ${idA} and ${idB}`).toBe(false);
        expect(a.operatory === b.operatory, `operatory double-booked: ${idA} and ${idB}`).toBe(false);
      }
    }
  }
}

/** Statuses of a live appointment (the ones a time off must list). */
const LIVE = new Set(['scheduled', 'confirmed', 'arrived']);

/**
 * The schedule invariant: every live appointment that overlaps a time off of its provider or
 * operatory is listed in that time off's `affected_appointments` (bookings and moves after the time
 * off are refused; the ones before it are listed). Returns how many time offs were checked.
 */
export async function assertTimeOffListsEveryAppointment(
  orgId: string,
  appointments: Map<string, AppointmentState>,
  resources: { provider: string[]; operatory: string[] },
): Promise<number> {
  const blocks = (
    await Promise.all([
      ...resources.provider.map(async (id) => ({ kind: 'provider' as const, id, items: await partition(keys.resourceTimeOffs(orgId, 'provider', id).pk) })),
      ...resources.operatory.map(async (id) => ({ kind: 'operatory' as const, id, items: await partition(keys.resourceTimeOffs(orgId, 'operatory', id).pk) })),
    ])
  ).flatMap((r) => r.items.map((item) => ({ ...r, item })));
  for (const { kind, id, item } of blocks) {
    const span = { start: Date.parse(item.start_utc as string), end: Date.parse(item.end_utc as string) };
    const listed = new Set(((item.affected_appointments as { uuid: string }[] | undefined) ?? []).map((a) => a.uuid));
    for (const [appointmentId, a] of appointments) {
      const uses = kind === 'provider' ? a.provider === id : a.operatory === id;
      if (uses && LIVE.has(a.status) && a.start < span.end && span.start < a.end) {
        expect(listed.has(appointmentId), `appointment ${appointmentId} lies in time off ${item.uuid as string} but is not listed`).toBe(true);
      }
    }
  }
  return blocks.length;
}
