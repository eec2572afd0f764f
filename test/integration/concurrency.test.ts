import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { worksAroundTheClock, type TestClinic } from '../helpers/clinic.ts';
import { useClinic, type Client } from '../helpers/use-clinic.ts';
import { operatoryLocks, providerLocks } from '../helpers/table.ts';
import { createPatient } from '#shared/domain/patients.ts';
import { createProvider } from '#shared/domain/providers.ts';

const fixture = useClinic();
let clinic: TestClinic;
let http: Client;
let base: string;
const N = 16;

beforeAll(() => {
  ({ clinic, http, base } = fixture);
});

const day = (offset: number) => DateTime.now().setZone('America/Los_Angeles').plus({ days: 60 + offset }).toISODate()!;

async function patients(n: number) {
  const out: Awaited<ReturnType<typeof createPatient>>[] = [];
  for (let i = 0; i < n; i++) out.push(await createPatient(clinic.orgId, { first_name: `Racer${i}`, last_name: 'Concurrent', date_of_birth: '1990-01-01', allow_duplicate: true }));
  return out;
}

function tally(statuses: number[]) {
  return statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
}

describe(`${N} simultaneous bookings`, () => {
  it('of one provider and window: exactly one 201, the rest 409, and only the winner holds locks', async () => {
    const racers = await patients(N);
    const d = day(1);
    const results = await Promise.all(
      racers.map((p, i) =>
        http.post(`${base}/appointments`, {
          patient_uuid: p.uuid,
          appointment_type_uuid: clinic.types.exam.uuid,
          location_uuid: clinic.location.uuid,
          provider_uuid: clinic.dentist.uuid,
          // Half name a chair, half let the API choose; windows overlap but are not identical.
          ...(i % 2 === 0 ? { operatory_uuid: clinic.operatories[i % 3]!.uuid } : {}),
          scheduled_start: `${d}T${i % 4 === 0 ? '10:00' : '10:30'}:00`,
          scheduled_end: `${d}T11:00:00`,
        }),
      ),
    );
    expect(tally(results.map((r) => r.status))).toEqual({ 201: 1, 409: N - 1 });
    const winner = results.find((r) => r.status === 201)!.body;
    for (const loser of results.filter((r) => r.status === 409)) {
      expect(loser.body.conflicts.length).toBeGreaterThan(0);
    }
    const locks = await providerLocks(clinic.orgId, clinic.dentist.uuid);
    const granules = winner.scheduled_start.endsWith('10:00:00') ? 4 : 2;
    expect(locks.filter((l) => l.sk.startsWith(d))).toHaveLength(granules);
    expect(new Set(locks.map((l) => l.appointment_uuid))).toEqual(new Set([winner.uuid]));
  });

  it('of different providers competing for three chairs: exactly three 201s', async () => {
    const racers = await patients(N);
    const providers: Awaited<ReturnType<typeof createProvider>>[] = [];
    for (let i = 0; i < N; i++) {
      const provider = await createProvider(clinic.orgId, { first_name: `Doc${i}`, last_name: 'Racer', title: 'DMD' });
      await worksAroundTheClock(clinic.orgId, provider.uuid, clinic.location.uuid);
      providers.push(provider);
    }
    const d = day(2);
    const results = await Promise.all(
      racers.map((p, i) =>
        http.post(`${base}/appointments`, {
          patient_uuid: p.uuid,
          appointment_type_uuid: clinic.types.cleaning.uuid,
          location_uuid: clinic.location.uuid,
          provider_uuid: providers[i]!.uuid,
          scheduled_start: `${d}T09:00:00`,
          scheduled_end: `${d}T09:45:00`,
        }),
      ),
    );
    expect(tally(results.map((r) => r.status))).toEqual({ 201: 3, 409: N - 3 });
    const chairs = results.filter((r) => r.status === 201).map((r) => r.body.operatory.uuid);
    expect(new Set(chairs).size).toBe(3);
    for (const o of clinic.operatories) {
      const held = await operatoryLocks(clinic.orgId, o.uuid);
      const winners = new Set(held.filter((l) => l.sk.startsWith(d)).map((l) => l.appointment_uuid));
      expect(winners.size).toBe(1);
    }
  });
});
