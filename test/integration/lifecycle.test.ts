import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { TestClinic } from '../helpers/clinic.ts';
import { useClinic, type Client } from '../helpers/use-clinic.ts';
import { appointmentItem, operatoryLocks, providerLocks } from '../helpers/table.ts';
import { bookAppointment } from '#shared/domain/appointments.ts';

const LA = 'America/Los_Angeles';
const fixture = useClinic();
let clinic: TestClinic;
let http: Client;
let base: string;
let dayCounter = 0;
const futureDay = () => DateTime.now().setZone(LA).plus({ days: 40 + dayCounter++ }).toISODate()!;
const utc = (day: string, time: string) => DateTime.fromISO(`${day}T${time}`, { zone: LA }).toUTC().toFormat("yyyy-LL-dd'T'HH:mm:ss'Z'");

beforeAll(() => {
  ({ clinic, http, base } = fixture);
});

function body(day: string, start: string, end: string, overrides: Record<string, unknown> = {}) {
  return {
    patient_uuid: clinic.patients.jane.uuid,
    appointment_type_uuid: clinic.types.exam.uuid,
    location_uuid: clinic.location.uuid,
    provider_uuid: clinic.dentist.uuid,
    operatory_uuid: clinic.operatories[0]!.uuid,
    scheduled_start: `${day}T${start}:00`,
    scheduled_end: `${day}T${end}:00`,
    ...overrides,
  };
}

async function book(day: string, start: string, end: string, overrides: Record<string, unknown> = {}) {
  const res = await http.post(`${base}/appointments`, body(day, start, end, overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const setStatus = (id: string, status: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>) =>
  http.call('PATCH', `${base}/appointments/${id}/status`, { body: { status, ...extra }, headers });
const patch = (id: string, change: Record<string, unknown>, headers?: Record<string, string>) => http.call('PATCH', `${base}/appointments/${id}`, { body: change, headers });
const locksOf = async (id: string) => [
  ...(await providerLocks(clinic.orgId, clinic.dentist.uuid)).filter((l) => l.appointment_uuid === id),
  ...(await providerLocks(clinic.orgId, clinic.hygienist.uuid)).filter((l) => l.appointment_uuid === id),
  ...(await Promise.all(clinic.operatories.map((o) => operatoryLocks(clinic.orgId, o.uuid)))).flat().filter((l) => l.appointment_uuid === id),
];

describe('status changes', () => {
  it('walks scheduled → confirmed → arrived → completed, keeping a history', async () => {
    const appt = await book(futureDay(), '09:00', '10:00');
    expect(appt.status_history).toEqual([{ at: appt.created_at, token_id: expect.any(String), from: null, to: 'scheduled', reason: null }]);
    for (const status of ['confirmed', 'arrived', 'completed']) {
      const res = await setStatus(appt.uuid, status, status === 'confirmed' ? { reason: 'called the patient' } : {});
      expect(res.status, status).toBe(200);
      expect(res.body.status).toBe(status);
    }
    const read = await http.get(`${base}/appointments/${appt.uuid}`);
    expect(read.body.status_history.map((h: any) => [h.from, h.to, h.reason])).toEqual([
      [null, 'scheduled', null],
      ['scheduled', 'confirmed', 'called the patient'],
      ['confirmed', 'arrived', null],
      ['arrived', 'completed', null],
    ]);
    expect(new Set(read.body.status_history.map((h: any) => h.token_id)).size).toBe(1);
    // Completed keeps its time: the locks stay.
    expect(await locksOf(appt.uuid)).toHaveLength(8);
  });

  it('refuses any other transition with a 409 naming both statuses', async () => {
    const appt = await book(futureDay(), '09:00', '10:00');
    const skip = await setStatus(appt.uuid, 'arrived');
    expect(skip.status).toBe(409);
    expect(skip.body).toMatchObject({ type: expect.stringContaining('status-conflict'), current_status: 'scheduled', requested_status: 'arrived' });
    const early = await setStatus(appt.uuid, 'no_show');
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain('start has passed');
    expect((await setStatus(appt.uuid, 'cancelled')).status).toBe(200);
    const again = await setStatus(appt.uuid, 'confirmed');
    expect(again.body).toMatchObject({ status: 409, current_status: 'cancelled', requested_status: 'confirmed' });
    const back = await setStatus(appt.uuid, 'scheduled');
    expect(back.body).toMatchObject({ status: 409, current_status: 'cancelled', requested_status: 'scheduled' });
  });

  it('answers 409 status-conflict, not 400, for a change back to scheduled (or to the same status)', async () => {
    const appt = await book(futureDay(), '13:00', '14:00');
    const same = await setStatus(appt.uuid, 'scheduled');
    expect(same.status).toBe(409);
    expect(same.body).toMatchObject({ type: 'urn:problem-type:dental-booking:status-conflict', current_status: 'scheduled', requested_status: 'scheduled' });
    expect((await setStatus(appt.uuid, 'confirmed')).status).toBe(200);
    const back = await setStatus(appt.uuid, 'scheduled');
    expect(back.status).toBe(409);
    expect(back.headers.get('content-type')).toBe('application/problem+json');
    expect(back.body).toMatchObject({ type: 'urn:problem-type:dental-booking:status-conflict', current_status: 'confirmed', requested_status: 'scheduled' });
    const twice = await setStatus(appt.uuid, 'confirmed');
    expect(twice.body).toMatchObject({ status: 409, current_status: 'confirmed', requested_status: 'confirmed' });
    // Nothing changed: still confirmed, with the one change in its history.
    const read = await http.get(`${base}/appointments/${appt.uuid}`);
    expect(read.body.status).toBe('confirmed');
    expect(read.body.status_history.map((h: { to: string }) => h.to)).toEqual(['scheduled', 'confirmed']);
    // An unknown status is still a 400.
    expect((await setStatus(appt.uuid, 'rescheduled')).status).toBe(400);
  });

  it('cancelling frees the window at once, in the same write', async () => {
    const day = futureDay();
    const appt = await book(day, '11:00', '12:00');
    expect(await locksOf(appt.uuid)).toHaveLength(8);
    const taken = await http.post(`${base}/appointments`, body(day, '11:00', '12:00', { patient_uuid: clinic.patients.jonathan.uuid }));
    expect(taken.status).toBe(409);
    expect((await setStatus(appt.uuid, 'cancelled', { reason: 'patient called' })).body.status).toBe('cancelled');
    expect(await locksOf(appt.uuid)).toEqual([]);
    expect((await http.post(`${base}/appointments`, body(day, '11:00', '12:00', { patient_uuid: clinic.patients.jonathan.uuid }))).status).toBe(201);
  });

  it('marks a no-show once the start has passed, freeing the slots', async () => {
    // Booked "an hour ago" for a window that started 30 minutes ago (the API refuses past starts).
    const start = DateTime.now().setZone(LA).minus({ minutes: 30 }).startOf('hour');
    const appt = await bookAppointment(clinic.orgId, { tokenId: 'test-token', requestId: 'lifecycle-test' }, body(start.toISODate()!, start.toFormat('HH:mm'), start.plus({ hours: 1 }).toFormat('HH:mm')), {
      now: start.minus({ hours: 1 }).toJSDate(),
    });
    expect(await locksOf(appt.uuid)).toHaveLength(8);
    const res = await setStatus(appt.uuid, 'no_show');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('no_show');
    expect(await locksOf(appt.uuid)).toEqual([]);
  });
});

describe('ETag and If-Match', () => {
  it('GET gives an ETag; a change with a stale one is a 412 and changes nothing', async () => {
    const appt = await book(futureDay(), '13:00', '14:00');
    const read = await http.get(`${base}/appointments/${appt.uuid}`);
    const etag = read.headers.get('etag')!;
    expect(etag).toBe('"1"');
    const confirmed = await setStatus(appt.uuid, 'confirmed', {}, { 'if-match': etag });
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers.get('etag')).toBe('"2"');
    const stale = await patch(appt.uuid, { notes: 'late change' }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    expect((await http.get(`${base}/appointments/${appt.uuid}`)).body.notes).toBeNull();
    const fresh = await patch(appt.uuid, { notes: 'late change' }, { 'if-match': '"2"' });
    expect(fresh.status).toBe(200);
    expect(fresh.body.notes).toBe('late change');
    expect((await patch(appt.uuid, { notes: null }, { 'if-match': '*' })).body.notes).toBeNull();
  });
});

describe('reschedule and edit', () => {
  it('moves 10:00–11:00 to 10:30–11:30 without conflicting with itself, keeping the uuid, taking only the difference', async () => {
    const day = futureDay();
    const appt = await book(day, '10:00', '11:00');
    const moved = await patch(appt.uuid, { scheduled_start: `${day}T10:30:00`, scheduled_end: `${day}T11:30:00` });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ uuid: appt.uuid, scheduled_start: `${day}T10:30:00`, scheduled_end: `${day}T11:30:00`, status: 'scheduled' });
    const locks = await locksOf(appt.uuid);
    expect(locks.filter((l) => l.resource_type === 'provider').map((l) => l.sk).sort()).toEqual(['10:30', '10:45', '11:00', '11:15'].map((t) => utc(day, t)));
    expect(locks).toHaveLength(8);
    // 10:00–10:30 is free again.
    expect((await http.post(`${base}/appointments`, body(day, '10:00', '10:30', { patient_uuid: clinic.patients.jonathan.uuid }))).status).toBe(201);
  });

  it('refuses a move onto another appointment with a 409 naming it, and changes nothing', async () => {
    const day = futureDay();
    const first = await book(day, '09:00', '10:00');
    const second = await book(day, '10:00', '11:00', { patient_uuid: clinic.patients.jonathan.uuid });
    const before = { item: await appointmentItem(clinic.orgId, second.uuid), locks: await locksOf(second.uuid) };
    const res = await patch(second.uuid, { scheduled_start: `${day}T09:30:00`, scheduled_end: `${day}T10:30:00` });
    expect(res.status).toBe(409);
    expect(res.body.conflicts.map((c: any) => c.appointment_uuid)).toContain(first.uuid);
    expect(await appointmentItem(clinic.orgId, second.uuid)).toEqual(before.item);
    expect(await locksOf(second.uuid)).toEqual(before.locks);
  });

  it('changes provider, operatory and type; notes alone touch no locks', async () => {
    const day = futureDay();
    const appt = await book(day, '15:00', '15:45', { appointment_type_uuid: clinic.types.cleaning.uuid });
    const res = await patch(appt.uuid, { provider_uuid: clinic.hygienist.uuid, operatory_uuid: clinic.operatories[2]!.uuid, notes: 'hygiene only' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ provider: { uuid: clinic.hygienist.uuid }, operatory: { uuid: clinic.operatories[2]!.uuid }, notes: 'hygiene only' });
    const locks = await locksOf(appt.uuid);
    expect(new Set(locks.map((l) => l.resource_uuid))).toEqual(new Set([clinic.hygienist.uuid, clinic.operatories[2]!.uuid]));
    const typed = await patch(appt.uuid, { appointment_type_uuid: clinic.types.exam.uuid });
    expect(typed.body.appointment_type.uuid).toBe(clinic.types.exam.uuid);
    expect(await locksOf(appt.uuid)).toEqual(locks);
  });

  it('validates the change: times together, references, archived types, the past, finished appointments', async () => {
    const day = futureDay();
    const appt = await book(day, '16:00', '17:00');
    expect((await patch(appt.uuid, { scheduled_start: `${day}T16:30:00` })).status).toBe(400);
    expect((await patch(appt.uuid, {})).status).toBe(400);
    expect((await patch(appt.uuid, { appointment_type_uuid: clinic.types.archived.uuid })).status).toBe(422);
    expect((await patch(appt.uuid, { operatory_uuid: '00000000-0000-4000-8000-000000000000' })).status).toBe(422);
    expect((await patch(appt.uuid, { scheduled_start: '2020-01-06T10:00:00', scheduled_end: '2020-01-06T11:00:00' })).status).toBe(422);
    expect((await patch('00000000-0000-4000-8000-000000000000', { notes: 'x' })).status).toBe(404);
    await setStatus(appt.uuid, 'cancelled');
    const done = await patch(appt.uuid, { notes: 'too late' });
    expect(done.status).toBe(409);
    expect(done.body.current_status).toBe('cancelled');
  });
});

describe('Idempotency-Key', () => {
  it('returns the first answer for a retry and books nothing new, also when retries race', async () => {
    const day = futureDay();
    const request = body(day, '09:00', '10:00');
    const key = `retry-${day}`;
    const results = await Promise.all(Array.from({ length: 6 }, () => http.post(`${base}/appointments`, request, { headers: { 'idempotency-key': key } })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.uuid)).size).toBe(1);
    const later = await http.post(`${base}/appointments`, { ...request }, { headers: { 'idempotency-key': key } });
    expect(later.body).toEqual(results[0]!.body);
    expect(await locksOf(results[0]!.body.uuid)).toHaveLength(8);
    const provider = (await providerLocks(clinic.orgId, clinic.dentist.uuid)).filter((l) => l.sk.startsWith(day));
    expect(new Set(provider.map((l) => l.appointment_uuid))).toEqual(new Set([results[0]!.body.uuid]));
  });

  it('answers 422 for the same key with another body', async () => {
    const day = futureDay();
    expect((await http.post(`${base}/appointments`, body(day, '09:00', '10:00'), { headers: { 'idempotency-key': `k-${day}` } })).status).toBe(201);
    const other = await http.post(`${base}/appointments`, body(day, '11:00', '12:00'), { headers: { 'idempotency-key': `k-${day}` } });
    expect(other.status).toBe(422);
    expect(other.body.type).toContain('idempotency-key-reused');
  });

  it('repeats a first 409 even after the slot frees up', async () => {
    const day = futureDay();
    const holder = await book(day, '14:00', '15:00');
    const attempt = () => http.post(`${base}/appointments`, body(day, '14:00', '15:00', { patient_uuid: clinic.patients.jonathan.uuid }), { headers: { 'idempotency-key': `conflict-${day}` } });
    expect((await attempt()).status).toBe(409);
    await setStatus(holder.uuid, 'cancelled');
    const retry = await attempt();
    expect(retry.status).toBe(409);
    expect(retry.body.conflicts[0].appointment_uuid).toBe(holder.uuid);
  });

  it('makes POST /patients safe to retry', async () => {
    const patient = { first_name: 'Idem', last_name: 'Potent', date_of_birth: '1990-01-01' };
    const [a, b] = await Promise.all([0, 1].map(() => http.post(`${base}/patients`, patient, { headers: { 'idempotency-key': 'patient-1' } })));
    expect([a!.status, b!.status]).toEqual([201, 201]);
    expect(a!.body.uuid).toBe(b!.body.uuid);
    expect((await http.get(`${base}/patients?query=potent`)).body.total).toBe(1);
    expect((await http.post(`${base}/patients`, { ...patient, first_name: 'Other' }, { headers: { 'idempotency-key': 'patient-1' } })).status).toBe(422);
    expect((await http.post(`${base}/patients`, patient, { headers: { 'idempotency-key': 'bad key with spaces' } })).status).toBe(400);
  });
});
