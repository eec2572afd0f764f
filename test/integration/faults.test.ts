/**
 * DynamoDB faults injected into chosen calls of the in-process API: what is safe to retry is retried
 * (by the SDK, with the same ClientRequestToken), a retried create never books twice, and what stays
 * broken answers 503 problem+json with Retry-After — never a 500, never a partial write.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { db } from '#shared/db/client.ts';
import type { TestClinic } from '../helpers/clinic.ts';
import { useClinic, type Client } from '../helpers/use-clinic.ts';
import { injectFaults, type FaultInjection, type FaultRule } from '../helpers/faults.ts';
import { appointmentItem, operatoryLocks, providerLocks } from '../helpers/table.ts';

const fixture = useClinic();
let clinic: TestClinic;
let http: Client;
let base: string;
let faults: FaultInjection | undefined;

let dayCounter = 0;
function futureDay(): string {
  dayCounter += 1;
  return DateTime.now().setZone('America/Los_Angeles').plus({ days: 40 + dayCounter }).toISODate()!;
}

function booking(day: string) {
  return {
    patient_uuid: clinic.patients.jane.uuid,
    appointment_type_uuid: clinic.types.exam.uuid,
    location_uuid: clinic.location.uuid,
    provider_uuid: clinic.dentist.uuid,
    operatory_uuid: clinic.operatories[0]!.uuid,
    scheduled_start: `${day}T10:00:00`,
    scheduled_end: `${day}T11:00:00`,
  };
}

const inject = (...rules: FaultRule[]) => (faults = injectFaults(db, rules));
const once = (n: number) => n === 1;

beforeAll(() => {
  ({ clinic, http, base } = fixture);
});
afterEach(() => {
  faults?.remove();
  faults = undefined;
});

/** Every lock of the dentist and of chair 1 on `day` (by UTC instant), grouped by appointment. */
async function locksOn(day: string) {
  const from = DateTime.fromISO(`${day}T00:00:00`, { zone: 'America/Los_Angeles' }).toUTC().toISO({ suppressMilliseconds: true })!;
  const to = DateTime.fromISO(`${day}T23:59:59`, { zone: 'America/Los_Angeles' }).toUTC().toISO({ suppressMilliseconds: true })!;
  const inDay = (l: Record<string, unknown>) => (l.sk as string) >= from.slice(0, 19) && (l.sk as string) <= to.slice(0, 19) + 'Z';
  const provider = (await providerLocks(clinic.orgId, clinic.dentist.uuid)).filter(inDay);
  const chair = (await operatoryLocks(clinic.orgId, clinic.operatories[0]!.uuid)).filter(inDay);
  return { provider, chair, appointments: new Set([...provider, ...chair].map((l) => l.appointment_uuid as string)) };
}

async function expectBookedOnce(day: string, appointmentId: string) {
  const locks = await locksOn(day);
  expect([...locks.appointments]).toEqual([appointmentId]);
  expect(locks.provider).toHaveLength(4);
  expect(locks.chair).toHaveLength(4);
  expect(await appointmentItem(clinic.orgId, appointmentId)).toMatchObject({ uuid: appointmentId, status: 'scheduled' });
  const read = await http.get(`${base}/appointments/${appointmentId}`);
  expect(read.status).toBe(200);
}

function expectUnavailable(res: { status: number; headers: Headers; body: any }) {
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(res.body).toMatchObject({ status: 503, type: expect.stringContaining('unavailable') });
}

describe('faults on the booking transaction', () => {
  it('throttled once: the SDK retries, 201, booked once', async () => {
    const day = futureDay();
    const f = inject({ command: 'TransactWriteItemsCommand', fault: 'throttling', calls: once });
    const res = await http.post(`${base}/appointments`, booking(day));
    expect(res.status).toBe(201);
    expect(f.injected).toBe(1);
    expect(f.seen.TransactWriteItemsCommand).toBe(2);
    await expectBookedOnce(day, res.body.uuid);
  });

  it('provisioned throughput exceeded once: 201, booked once', async () => {
    const day = futureDay();
    const f = inject({ command: 'TransactWriteItemsCommand', fault: 'provisioned-throughput', calls: once });
    const res = await http.post(`${base}/appointments`, booking(day));
    expect(res.status).toBe(201);
    expect(f.injected).toBe(1);
    await expectBookedOnce(day, res.body.uuid);
  });

  it('throttled on every attempt: 503 problem+json with Retry-After, nothing written', async () => {
    const day = futureDay();
    const f = inject({ command: 'TransactWriteItemsCommand', fault: 'throttling' });
    const res = await http.post(`${base}/appointments`, booking(day));
    expectUnavailable(res);
    expect(f.injected).toBeGreaterThan(1);
    const locks = await locksOn(day);
    expect(locks.provider).toEqual([]);
    expect(locks.chair).toEqual([]);
  });

  it('cancelled by a TransactionConflict once: retried with a new token, 201, booked once', async () => {
    const day = futureDay();
    const f = inject({ command: 'TransactWriteItemsCommand', fault: 'transaction-conflict', calls: once });
    const res = await http.post(`${base}/appointments`, booking(day));
    expect(res.status).toBe(201);
    expect(f.injected).toBe(1);
    await expectBookedOnce(day, res.body.uuid);
  });

  it('TransactionConflict on every attempt: 503, nothing written', async () => {
    const day = futureDay();
    inject({ command: 'TransactWriteItemsCommand', fault: 'transaction-conflict' });
    const res = await http.post(`${base}/appointments`, booking(day));
    expectUnavailable(res);
    const locks = await locksOn(day);
    expect(locks.appointments.size).toBe(0);
  });

  it('timeout after the write succeeded: the SDK replays the same token, 201, booked once', async () => {
    const day = futureDay();
    const f = inject({ command: 'TransactWriteItemsCommand', fault: 'timeout', when: 'after', calls: once });
    const res = await http.post(`${base}/appointments`, booking(day));
    expect(res.status).toBe(201);
    expect(f.injected).toBe(1);
    expect(f.seen.TransactWriteItemsCommand).toBe(2);
    await expectBookedOnce(day, res.body.uuid);
  });

  it('5xx after the write succeeded: 201, booked once', async () => {
    const day = futureDay();
    const f = inject({ command: 'TransactWriteItemsCommand', fault: 'internal-server-error', when: 'after', calls: once });
    const res = await http.post(`${base}/appointments`, booking(day));
    expect(res.status).toBe(201);
    expect(f.injected).toBe(1);
    await expectBookedOnce(day, res.body.uuid);
  });

  it('5xx after every write: the API finds out that it committed and answers 201, booked once', async () => {
    const day = futureDay();
    inject({ command: 'TransactWriteItemsCommand', fault: 'internal-server-error', when: 'after' });
    const res = await http.post(`${base}/appointments`, booking(day));
    faults?.remove();
    expect(res.status).toBe(201);
    await expectBookedOnce(day, res.body.uuid);
  });

  it('5xx before every write: 503 with Retry-After, and nothing written', async () => {
    const day = futureDay();
    inject({ command: 'TransactWriteItemsCommand', fault: 'internal-server-error', when: 'before' });
    const res = await http.post(`${base}/appointments`, booking(day));
    faults?.remove();
    expectUnavailable(res);
    expect((await locksOn(day)).appointments.size).toBe(0);
  });
});

describe('a reply lost after every write: the API finds out and tells the truth', () => {
  const lostReplies = () => inject({ command: 'TransactWriteItemsCommand', fault: 'timeout', when: 'after' });

  it('booking with an Idempotency-Key: 201, booked once, and the retry gets the same answer', async () => {
    const day = futureDay();
    lostReplies();
    const res = await http.post(`${base}/appointments`, booking(day), { headers: { 'idempotency-key': `lost-${day}` } });
    faults?.remove();
    expect(res.status).toBe(201);
    await expectBookedOnce(day, res.body.uuid);
    const again = await http.post(`${base}/appointments`, booking(day), { headers: { 'idempotency-key': `lost-${day}` } });
    expect(again.status).toBe(201);
    expect(again.body.uuid).toBe(res.body.uuid);
  });

  it('move and status change: 200 with the new state, which is what is stored', async () => {
    const day = futureDay();
    const created = await http.post(`${base}/appointments`, booking(day));
    expect(created.status).toBe(201);
    const id = created.body.uuid as string;

    lostReplies();
    const moved = await http.call('PATCH', `${base}/appointments/${id}`, { body: { scheduled_start: `${day}T12:00:00`, scheduled_end: `${day}T13:00:00` } });
    faults?.remove();
    expect(moved.status).toBe(200);
    expect(moved.body.scheduled_start).toBe(`${day}T12:00:00`);
    expect(await appointmentItem(clinic.orgId, id)).toMatchObject({ version: 2 });
    expect((await locksOn(day)).provider.map((l) => l.appointment_uuid)).toEqual([id, id, id, id]);

    lostReplies();
    const confirmed = await http.call('PATCH', `${base}/appointments/${id}/status`, { body: { status: 'confirmed' } });
    faults?.remove();
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');
    expect(await appointmentItem(clinic.orgId, id)).toMatchObject({ status: 'confirmed', version: 3 });
  });

  it('patient create, with and without an Idempotency-Key: 201, created once', async () => {
    for (const [i, headers] of ([{}, { 'idempotency-key': `patient-${futureDay()}` }] as Record<string, string>[]).entries()) {
      lostReplies();
      // Another birthday each time: the second is not a possible duplicate of the first.
      const res = await http.post(`${base}/patients`, { first_name: 'Lost', last_name: 'Reply', date_of_birth: `1990-01-0${i + 1}` }, { headers });
      faults?.remove();
      expect(res.status).toBe(201);
      expect((await http.get(`${base}/patients/${res.body.uuid}`)).status).toBe(200);
    }
  });
});

describe('faults on reads', () => {
  let appointmentId: string;
  beforeAll(async () => {
    const res = await http.post(`${base}/appointments`, booking(futureDay()));
    expect(res.status).toBe(201);
    appointmentId = res.body.uuid;
  });

  it('a 5xx on GetItem once is retried: 200', async () => {
    // The token's GetItem and the appointment's go out together; both fail once and are retried.
    const f = inject({ command: 'GetItemCommand', fault: 'internal-server-error', calls: (n) => n <= 2 });
    const res = await http.get(`${base}/appointments/${appointmentId}`);
    expect(res.status).toBe(200);
    expect(f.injected).toBe(2);
  });

  it('a 5xx on BatchGetItem once is retried: 200', async () => {
    const f = inject({ command: 'BatchGetItemCommand', fault: 'internal-server-error', calls: once });
    const res = await http.get(`${base}/appointments/${appointmentId}`);
    expect(res.status).toBe(200);
    expect(f.injected).toBe(1);
  });

  it('a timeout on BatchGetItem once is retried: 200', async () => {
    const f = inject({ command: 'BatchGetItemCommand', fault: 'timeout', calls: once });
    const res = await http.get(`${base}/appointments/${appointmentId}`);
    expect(res.status).toBe(200);
    expect(f.injected).toBe(1);
  });

  it('a persistent 5xx on BatchGetItem: 503 problem+json with Retry-After', async () => {
    const f = inject({ command: 'BatchGetItemCommand', fault: 'internal-server-error' });
    const res = await http.get(`${base}/appointments/${appointmentId}`);
    expectUnavailable(res);
    expect(f.injected).toBeGreaterThan(1);
  });
});
