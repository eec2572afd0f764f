/**
 * Stress, bounded in time: many clients fire randomized, overlapping bookings, reschedules, cancels
 * and status changes at the local HTTP server at once. Afterwards a checker reads everything back:
 * no two active appointments overlap on a provider or an operatory, the slot locks are exactly those
 * of the active appointments, every 201 is readable, and every refused booking left nothing behind
 * (the appointments in the table are exactly the ones answered 201), and every live appointment
 * inside a time off (some are created during the run) is listed in it. It reports the counts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { TestClinic } from '../helpers/clinic.ts';
import { client } from '../helpers/local-api.ts';
import { useClinic, type LocalApi } from '../helpers/use-clinic.ts';
import { assertNoOverlaps, assertTimeOffListsEveryAppointment, expectedLocks, readAppointments, readLocks } from '../helpers/invariants.ts';

const LA = 'America/Los_Angeles';
const CLIENTS = 12;
const OPERATIONS_PER_CLIENT = 30;
const TIME_BUDGET_MS = 25_000;

const fixture = useClinic();
let api: LocalApi;
let clinic: TestClinic;

beforeAll(() => {
  ({ api, clinic } = fixture);
});

/** A small deterministic generator per client, so a failing run can be replayed from its seed. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  return (n: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

describe('stress', () => {
  it('keeps every invariant under concurrent random traffic', async () => {
    const http = client(api.baseUrl, clinic.token);
    const base = `/api/v1/${clinic.orgId}`;
    const day = DateTime.now().setZone(LA).plus({ days: 12 }).toISODate()!;
    const at = (slot: number) => DateTime.fromISO(`${day}T08:00:00`, { zone: LA }).plus({ minutes: 15 * slot }).toFormat("yyyy-LL-dd'T'HH:mm:ss");
    const providers = [clinic.dentist.uuid, clinic.hygienist.uuid];
    const booked = new Set<string>();
    const counts: Record<string, number> = {};
    const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
    const seed = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);
    const deadline = Date.now() + TIME_BUDGET_MS;

    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, clientIndex) => {
        const pick = random(seed + clientIndex * 7919);
        for (let op = 0; op < OPERATIONS_PER_CLIENT && Date.now() < deadline; op++) {
          const slot = pick(24);
          const length = 1 + pick(4);
          const ids = [...booked];
          if (pick(12) === 0) {
            // Now and then a time off over a random stretch of a provider or a chair.
            const onChair = pick(2) === 0;
            const res = await http.post(`${base}/time-off`, {
              ...(onChair ? { operatory_uuid: clinic.operatories[pick(3)]!.uuid } : { provider_uuid: providers[pick(2)] }),
              location_uuid: clinic.location.uuid,
              start: at(slot),
              end: at(slot + length),
            });
            count(`time-off ${res.status}`);
            continue;
          }
          const kind = ids.length === 0 ? 0 : pick(4);
          if (kind === 0) {
            const res = await http.post(`${base}/appointments`, {
              patient_uuid: clinic.patients.jane.uuid,
              appointment_type_uuid: clinic.types.exam.uuid,
              location_uuid: clinic.location.uuid,
              provider_uuid: providers[pick(2)],
              ...(pick(2) === 0 ? { operatory_uuid: clinic.operatories[pick(3)]!.uuid } : {}),
              scheduled_start: at(slot),
              scheduled_end: at(slot + length),
            });
            count(`book ${res.status}`);
            if (res.status === 201) booked.add(res.body.uuid);
            continue;
          }
          const id = ids[pick(ids.length)]!;
          const res =
            kind === 1
              ? await http.call('PATCH', `${base}/appointments/${id}`, { body: { scheduled_start: at(slot), scheduled_end: at(slot + length) } })
              : await http.call('PATCH', `${base}/appointments/${id}/status`, { body: { status: kind === 2 ? 'cancelled' : ['confirmed', 'arrived', 'completed'][pick(3)] } });
          count(`${kind === 1 ? 'move' : kind === 2 ? 'cancel' : 'status'} ${res.status}`);
        }
      }),
    );

    // The checker.
    for (const key of Object.keys(counts)) expect(['200', '201', '409', '422', '503'], key).toContain(key.split(' ')[1]);
    expect(Object.keys(counts).filter((k) => k.startsWith('time-off ')).every((k) => ['time-off 201', 'time-off 503'].includes(k))).toBe(true);
    const stored = await readAppointments(clinic.orgId);
    expect(new Set(stored.keys())).toEqual(booked); // every 201 is there, every refused booking left nothing
    for (const id of booked) expect((await http.get(`${base}/appointments/${id}`)).status).toBe(200);
    assertNoOverlaps(stored);
    const locks = await readLocks(clinic.orgId, providers, clinic.operatories.map((o) => o.uuid));
    expect(locks).toEqual(expectedLocks(stored));
    // Every live appointment inside a time off is listed in it (bookings and moves after it were refused).
    const blocks = await assertTimeOffListsEveryAppointment(clinic.orgId, stored, { provider: providers, operatory: clinic.operatories.map((o) => o.uuid) });
    expect(blocks).toBe(counts['time-off 201'] ?? 0);

    const active = [...stored.values()].filter((a) => a.status !== 'cancelled').length;
    console.log(`stress (seed ${seed}): ${JSON.stringify(counts)}; ${stored.size} appointments, ${active} active, ${locks.length} locks`);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(CLIENTS * 5);
  }, 60_000);
});
