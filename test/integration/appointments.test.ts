import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createTestClinic, worksAroundTheClock, type TestClinic } from '../helpers/clinic.ts';
import { useClinic, type Client } from '../helpers/use-clinic.ts';
import { appointmentItem, operatoryLocks, providerLocks } from '../helpers/table.ts';

const fixture = useClinic();
let clinic: TestClinic;
let http: Client;
let base: string;

/** A weekday in the future at a local time, so no test ever books "the past". */
let dayCounter = 0;
function futureDay(): string {
  dayCounter += 1;
  return DateTime.now().setZone('America/Los_Angeles').plus({ days: 30 + dayCounter }).toISODate()!;
}

beforeAll(() => {
  ({ clinic, http, base } = fixture);
});

function booking(day: string, start: string, end: string, overrides: Record<string, unknown> = {}) {
  return {
    patient_uuid: clinic.patients.jane.uuid,
    appointment_type_uuid: clinic.types.exam.uuid,
    location_uuid: clinic.location.uuid,
    provider_uuid: clinic.dentist.uuid,
    scheduled_start: `${day}T${start}`,
    scheduled_end: `${day}T${end}`,
    notes: 'New patient — first visit',
    ...overrides,
  };
}

describe('POST /appointments', () => {
  it("books the guide's request and answers with the guide's object", async () => {
    const day = futureDay();
    const res = await http.post(`${base}/appointments`, booking(day, '10:00:00', '11:00:00'));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'scheduled',
      patient: { uuid: clinic.patients.jane.uuid, first_name: 'Jane', last_name: 'Smith' },
      appointment_type: { uuid: clinic.types.exam.uuid, name: 'New Patient Exam', duration_minutes: 60, color: '#4f46e5' },
      scheduled_start: `${day}T10:00:00`,
      scheduled_end: `${day}T11:00:00`,
      time_zone: 'America/Los_Angeles',
      location: { uuid: clinic.location.uuid, name: 'Main Street Dental' },
      provider: { uuid: clinic.dentist.uuid, first_name: 'Michael', last_name: 'Chen', title: 'DDS' },
      operatory: { uuid: clinic.operatories[0]!.uuid, name: 'Operatory 1' },
      notes: 'New patient — first visit',
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      status_history: [{ at: expect.any(String), token_id: expect.any(String), from: null, to: 'scheduled', reason: null }],
    });
    expect(res.headers.get('location')).toBe(`${base}/appointments/${res.body.uuid}`);

    const read = await http.get(`${base}/appointments/${res.body.uuid}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);

    // One lock per 15-minute granule for the provider and for the chair, keyed by UTC instant.
    const utcStart = DateTime.fromISO(`${day}T10:00:00`, { zone: 'America/Los_Angeles' }).toUTC();
    const expected = [0, 15, 30, 45].map((m) => utcStart.plus({ minutes: m }).toFormat("yyyy-LL-dd'T'HH:mm:ss'Z'"));
    const locks = (await providerLocks(clinic.orgId, clinic.dentist.uuid)).filter((l) => l.appointment_uuid === res.body.uuid);
    expect(locks.map((l) => l.sk)).toEqual(expected);
    const chairLocks = (await operatoryLocks(clinic.orgId, clinic.operatories[0]!.uuid)).filter((l) => l.appointment_uuid === res.body.uuid);
    expect(chairLocks).toHaveLength(4);
  });

  it('answers 409 naming the provider and the appointment that holds the window, and writes nothing', async () => {
    const day = futureDay();
    const first = await http.post(`${base}/appointments`, booking(day, '10:00:00', '11:00:00'));
    expect(first.status).toBe(201);
    const locksBefore = await providerLocks(clinic.orgId, clinic.dentist.uuid);

    const clash = await http.post(
      `${base}/appointments`,
      booking(day, '10:30:00', '11:30:00', { patient_uuid: clinic.patients.jonathan.uuid, operatory_uuid: clinic.operatories[2]!.uuid }),
    );
    expect(clash.status).toBe(409);
    expect(clash.headers.get('content-type')).toBe('application/problem+json');
    const utc1030 = DateTime.fromISO(`${day}T10:30:00`, { zone: 'America/Los_Angeles' }).toUTC().toFormat("yyyy-LL-dd'T'HH:mm:ss'Z'");
    expect(clash.body).toMatchObject({ status: 409, type: expect.stringContaining('slot-conflict') });
    expect(clash.body.conflicts).toEqual([
      { resource: 'provider', resource_uuid: clinic.dentist.uuid, appointment_uuid: first.body.uuid, slot_start: utc1030 },
    ]);
    expect(clash.body.detail).toContain(first.body.uuid);
    expect(await providerLocks(clinic.orgId, clinic.dentist.uuid)).toEqual(locksBefore);
    expect((await operatoryLocks(clinic.orgId, clinic.operatories[2]!.uuid)).filter((l) => l.sk >= utc1030.slice(0, 10))).toEqual([]);
  });

  it('answers 409 naming the operatory when another provider holds the chair', async () => {
    const day = futureDay();
    const chair = clinic.operatories[1]!.uuid;
    const first = await http.post(`${base}/appointments`, booking(day, '09:00:00', '10:00:00', { operatory_uuid: chair }));
    expect(first.status).toBe(201);
    const clash = await http.post(`${base}/appointments`, booking(day, '09:45:00', '10:30:00', { provider_uuid: clinic.hygienist.uuid, appointment_type_uuid: clinic.types.cleaning.uuid, operatory_uuid: chair }));
    expect(clash.status).toBe(409);
    expect(clash.body.conflicts).toEqual([expect.objectContaining({ resource: 'operatory', resource_uuid: chair, appointment_uuid: first.body.uuid })]);
  });

  it('never conflicts for adjacent windows (10:00–11:00 then 11:00–12:00 and 09:00–10:00)', async () => {
    const day = futureDay();
    const chair = clinic.operatories[0]!.uuid;
    for (const [start, end] of [['10:00:00', '11:00:00'], ['11:00:00', '12:00:00'], ['09:00:00', '10:00:00']] as const) {
      const res = await http.post(`${base}/appointments`, booking(day, start, end, { operatory_uuid: chair }));
      expect(res.status, `${start}-${end}`).toBe(201);
    }
  });

  it('chooses a free chair when none is named, and 409s when every chair is taken', async () => {
    const day = futureDay();
    // Operatory 1 is taken by the hygienist, so the dentist gets Operatory 2.
    const hyg = await http.post(`${base}/appointments`, booking(day, '14:00:00', '15:00:00', { provider_uuid: clinic.hygienist.uuid, operatory_uuid: clinic.operatories[0]!.uuid }));
    expect(hyg.status).toBe(201);
    const auto = await http.post(`${base}/appointments`, booking(day, '14:00:00', '15:00:00'));
    expect(auto.status).toBe(201);
    expect(auto.body.operatory.uuid).toBe(clinic.operatories[1]!.uuid);

    // Take the last chair with a third provider created for this, then a fourth booking finds none.
    const { createProvider } = await import('#shared/domain/providers.ts');
    const third = await createProvider(clinic.orgId, { first_name: 'Third', last_name: 'Provider', title: 'DMD' });
    const fourth = await createProvider(clinic.orgId, { first_name: 'Fourth', last_name: 'Provider', title: 'DMD' });
    for (const p of [third, fourth]) await worksAroundTheClock(clinic.orgId, p.uuid, clinic.location.uuid);
    expect((await http.post(`${base}/appointments`, booking(day, '14:00:00', '15:00:00', { provider_uuid: third.uuid }))).status).toBe(201);
    const none = await http.post(`${base}/appointments`, booking(day, '14:30:00', '15:00:00', { provider_uuid: fourth.uuid }));
    expect(none.status).toBe(409);
    expect(none.body.conflicts.map((c: any) => c.resource_uuid).sort()).toEqual(clinic.operatories.map((o) => o.uuid).sort());
    expect(none.body.conflicts.every((c: any) => c.resource === 'operatory')).toBe(true);
  });

  it('refuses bad times with 422 and says which field', async () => {
    const day = futureDay();
    const cases: [string, Record<string, unknown>, string][] = [
      ['end before start', booking(day, '11:00:00', '10:00:00'), 'body.scheduled_end'],
      ['off the 15-minute grid', booking(day, '10:10:00', '11:00:00'), 'body.scheduled_start'],
      ['in the past', booking('2020-01-06', '10:00:00', '11:00:00'), 'body.scheduled_start'],
      ['too long for one transaction', booking(day, '06:00:00', '15:00:00'), 'body.scheduled_end'],
      ['offset that is not the zone’s', booking(day, '10:00:00+02:00', '11:00:00+02:00'), 'body.scheduled_start'],
    ];
    for (const [name, body, path] of cases) {
      const res = await http.post(`${base}/appointments`, body);
      expect(res.status, name).toBe(422);
      expect(res.body.errors.map((e: any) => e.path), name).toContain(path);
    }
  });

  it('refuses references that do not exist in this organisation, listing each (422)', async () => {
    const other = await createTestClinic();
    const res = await http.post(
      `${base}/appointments`,
      booking(futureDay(), '10:00:00', '11:00:00', {
        patient_uuid: other.patients.jane.uuid,
        appointment_type_uuid: clinic.types.archived.uuid,
        provider_uuid: other.dentist.uuid,
        operatory_uuid: other.operatories[0]!.uuid,
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: any) => e.path).sort()).toEqual(['body.appointment_type_uuid', 'body.operatory_uuid', 'body.patient_uuid', 'body.provider_uuid']);
  });

  it('validates the body shape with 400 (missing fields, bad uuids, unknown fields, bad time text)', async () => {
    const res = await http.post(`${base}/appointments`, { patient_uuid: 'nope', scheduled_start: '20/05/2025 10:00', color: 'red' });
    expect(res.status).toBe(400);
    const paths = res.body.errors.map((e: any) => e.path);
    for (const p of ['body.patient_uuid', 'body.appointment_type_uuid', 'body.location_uuid', 'body.provider_uuid', 'body.scheduled_start', 'body.scheduled_end', 'body.color']) {
      expect(paths).toContain(p);
    }
    const impossible = await http.post(`${base}/appointments`, booking(futureDay(), '10:00:00', '11:00:00', { scheduled_start: '2031-02-30T10:00:00' }));
    expect(impossible.status).toBe(400);
  });

  it('books through daylight-saving days by real time', async () => {
    // The LA fall-back day: the repeated 01:00–02:00 needs an offset; with it, two different
    // one-hour windows with the same wall-clock times both book for one provider and chair.
    const chair = clinic.operatories[2]!.uuid;
    const firstSundayOfNovember = (year: number) => {
      const nov1 = DateTime.fromObject({ year, month: 11, day: 1 }, { zone: 'America/Los_Angeles' });
      return nov1.plus({ days: (7 - nov1.weekday) % 7 });
    };
    const thisYear = firstSundayOfNovember(DateTime.now().year);
    const fallBack = thisYear > DateTime.now().plus({ days: 1 }) ? thisYear : firstSundayOfNovember(DateTime.now().year + 1);
    const day = fallBack.toISODate()!;
    const ambiguous = await http.post(`${base}/appointments`, booking(day, '01:00:00', '01:30:00', { operatory_uuid: chair }));
    if (fallBack.startOf('day').offset === fallBack.endOf('day').offset) throw new Error(`${day} is not a DST day`);
    expect(ambiguous.status).toBe(422);
    const early = await http.post(`${base}/appointments`, booking(day, '01:00:00-07:00', '01:30:00-07:00', { operatory_uuid: chair }));
    const late = await http.post(`${base}/appointments`, booking(day, '01:00:00-08:00', '01:30:00-08:00', { operatory_uuid: chair }));
    expect([early.status, late.status]).toEqual([201, 201]);
    expect(early.body.scheduled_start).toBe(`${day}T01:00:00-07:00`);
    expect(late.body.scheduled_start).toBe(`${day}T01:00:00-08:00`);
  });

  it('answers 404 for an unknown appointment', async () => {
    const res = await http.get(`${base}/appointments/00000000-0000-4000-8000-000000000000`);
    expect(res.status).toBe(404);
    expect(res.body.type).toContain('not-found');
  });

  it('stores times as UTC instants with the zone, and the token that booked', async () => {
    const day = futureDay();
    const res = await http.post(`${base}/appointments`, booking(day, '13:00:00', '13:45:00', { appointment_type_uuid: clinic.types.cleaning.uuid }));
    const item = await appointmentItem(clinic.orgId, res.body.uuid);
    expect(item).toMatchObject({
      start_utc: DateTime.fromISO(`${day}T13:00:00`, { zone: 'America/Los_Angeles' }).toUTC().toFormat("yyyy-LL-dd'T'HH:mm:ss'Z'"),
      time_zone: 'America/Los_Angeles',
      status: 'scheduled',
      created_by_token: expect.any(String),
    });
  });
});
