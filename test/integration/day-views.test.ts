import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { createTestClinic, worksAroundTheClock, type TestClinic } from '../helpers/clinic.ts';
import { client } from '../helpers/local-api.ts';
import { useClinic, type Client, type LocalApi } from '../helpers/use-clinic.ts';

const LA = 'America/Los_Angeles';
const fixture = useClinic();
let api: LocalApi;
let clinic: TestClinic;
let http: Client;
let base: string;

/**
 * Every test gets its own block of future dates (ten days apart from the next block), so that the
 * appointments one test books never show in another's range — the tests share one organisation.
 */
let block = 0;
function days(count: number): string[] {
  block += 1;
  const first = DateTime.now().setZone(LA).plus({ days: 40 + block * 10 });
  return Array.from({ length: count }, (_, i) => first.plus({ days: i }).toISODate()!);
}
const shift = (date: string, n: number) => DateTime.fromISO(date, { zone: 'utc' }).plus({ days: n }).toISODate()!;

beforeAll(() => {
  ({ api, clinic, http, base } = fixture);
});

type Booking = { day: string; start: string; end: string } & Record<string, unknown>;

async function book({ day, start, end, ...overrides }: Booking, via = http, at = base) {
  const res = await via.post(`${at}/appointments`, {
    patient_uuid: clinic.patients.jane.uuid,
    appointment_type_uuid: clinic.types.exam.uuid,
    location_uuid: clinic.location.uuid,
    provider_uuid: clinic.dentist.uuid,
    scheduled_start: `${day}T${start}:00`,
    scheduled_end: `${day}T${end}:00`,
    ...overrides,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { uuid: string; scheduled_start: string } & Record<string, unknown>;
}

function dayView(query: Record<string, string | number>, via = http, at = base) {
  return via.get(`${at}/appointments?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`);
}

async function uuidsOf(query: Record<string, string | number>, via = http, at = base): Promise<string[]> {
  const res = await dayView({ page_size: 100, ...query }, via, at);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.total).toBe(res.body.items.length);
  return res.body.items.map((a: { uuid: string }) => a.uuid);
}

/** A second location in another time zone, with one chair, where the dentist works around the clock. */
async function locationIn(timeZone: string) {
  const location = await http.post(`${base}/locations`, { name: `Branch ${timeZone}`, time_zone: timeZone });
  expect(location.status).toBe(201);
  const chair = await http.post(`${base}/locations/${location.body.uuid}/operatories`, { name: 'Chair A' });
  expect(chair.status).toBe(201);
  await worksAroundTheClock(clinic.orgId, clinic.dentist.uuid, location.body.uuid);
  return { uuid: location.body.uuid as string, operatory: chair.body.uuid as string };
}

const cancel = async (uuid: string) => {
  const res = await http.call('PATCH', `${base}/appointments/${uuid}/status`, { body: { status: 'cancelled' } });
  expect(res.status).toBe(200);
};

describe('GET /appointments (day views)', () => {
  it('lists the day by start (then uuid) with the full appointment objects, a total and pages', async () => {
    const [day] = days(1) as [string];
    const op = clinic.operatories.map((o) => o.uuid);
    // Booked out of order; two start at 09:00 (the dentist and the hygienist in different chairs).
    const late = await book({ day, start: '15:00', end: '16:00', operatory_uuid: op[0] });
    const early = await book({ day, start: '08:00', end: '09:00', operatory_uuid: op[0] });
    const nineA = await book({ day, start: '09:00', end: '10:00', operatory_uuid: op[1] });
    const nineB = await book({ day, start: '09:00', end: '09:45', provider_uuid: clinic.hygienist.uuid, appointment_type_uuid: clinic.types.cleaning.uuid, operatory_uuid: op[2] });
    const noon = await book({ day, start: '12:00', end: '13:00', operatory_uuid: op[1] });
    const [nineFirst, nineSecond] = [nineA, nineB].sort((a, b) => (a.uuid < b.uuid ? -1 : 1));
    const expected = [early, nineFirst!, nineSecond!, noon, late].map((a) => a.uuid);

    const all = await dayView({ date_from: day, date_to: day });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ page: 1, page_size: 20, total: 5 });
    expect(all.body.items.map((a: { uuid: string }) => a.uuid)).toEqual(expected);
    // Each item is the appointment exactly as GET /appointments/{uuid} answers it.
    for (const item of all.body.items) expect(item).toEqual((await http.get(`${base}/appointments/${item.uuid}`)).body);
    expect(all.body.items[0]).toMatchObject({ scheduled_start: `${day}T08:00:00`, time_zone: LA, status: 'scheduled' });

    const pages = await Promise.all([1, 2, 3, 4].map((page) => dayView({ date_from: day, date_to: day, page_size: 2, page })));
    for (const [i, res] of pages.entries()) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ page: i + 1, page_size: 2, total: 5 });
    }
    expect(pages.map((p) => p.body.items.map((a: { uuid: string }) => a.uuid))).toEqual([expected.slice(0, 2), expected.slice(2, 4), expected.slice(4), []]);
  });

  it('filters by location, provider, operatory, patient and status, alone and together', async () => {
    const [day] = days(1) as [string];
    const op = clinic.operatories.map((o) => o.uuid);
    const jonathan = clinic.patients.jonathan.uuid;
    const branch = await locationIn('America/New_York');
    const a = await book({ day, start: '09:00', end: '10:00', operatory_uuid: op[0] });
    const b = await book({ day, start: '09:00', end: '09:45', provider_uuid: clinic.hygienist.uuid, appointment_type_uuid: clinic.types.cleaning.uuid, operatory_uuid: op[1], patient_uuid: jonathan });
    const c = await book({ day, start: '11:00', end: '12:00', operatory_uuid: op[2], patient_uuid: jonathan });
    // 10:00 in New York is 07:00 in Los Angeles: first of the day.
    const d = await book({ day, start: '10:00', end: '11:00', location_uuid: branch.uuid, operatory_uuid: branch.operatory });
    const e = await book({ day, start: '13:00', end: '13:45', provider_uuid: clinic.hygienist.uuid, appointment_type_uuid: clinic.types.cleaning.uuid, operatory_uuid: op[0] });
    await cancel(e.uuid);
    const range = { date_from: day, date_to: day };

    expect(await uuidsOf(range)).toEqual([d.uuid, ...[a.uuid, b.uuid].sort(), c.uuid, e.uuid]);
    expect(await uuidsOf({ ...range, location_uuid: clinic.location.uuid })).toEqual([...[a.uuid, b.uuid].sort(), c.uuid, e.uuid]);
    expect(await uuidsOf({ ...range, location_uuid: branch.uuid })).toEqual([d.uuid]);
    expect(await uuidsOf({ ...range, provider_uuid: clinic.dentist.uuid })).toEqual([d.uuid, a.uuid, c.uuid]);
    expect(await uuidsOf({ ...range, provider_uuid: clinic.hygienist.uuid })).toEqual([b.uuid, e.uuid]);
    expect(await uuidsOf({ ...range, operatory_uuid: op[0]! })).toEqual([a.uuid, e.uuid]);
    expect(await uuidsOf({ ...range, operatory_uuid: op[2]! })).toEqual([c.uuid]);
    expect(await uuidsOf({ ...range, patient_uuid: jonathan })).toEqual([b.uuid, c.uuid]);
    expect(await uuidsOf({ ...range, status: 'cancelled' })).toEqual([e.uuid]);
    expect(await uuidsOf({ ...range, status: 'scheduled' })).toEqual([d.uuid, ...[a.uuid, b.uuid].sort(), c.uuid]);
    expect(await uuidsOf({ ...range, status: 'confirmed' })).toEqual([]);
    expect(await uuidsOf({ ...range, provider_uuid: clinic.dentist.uuid, patient_uuid: jonathan })).toEqual([c.uuid]);
    expect(await uuidsOf({ ...range, location_uuid: clinic.location.uuid, status: 'scheduled', provider_uuid: clinic.hygienist.uuid })).toEqual([b.uuid]);
    // Uuids in any case, as everywhere.
    expect(await uuidsOf({ ...range, patient_uuid: jonathan.toUpperCase() })).toEqual([b.uuid, c.uuid]);
    // A filter that matches nothing: total 0.
    expect((await dayView({ ...range, provider_uuid: randomUUID() })).body).toEqual({ items: [], page: 1, page_size: 20, total: 0 });
    // The cancelled appointment is shown with its status.
    const cancelled = (await dayView({ ...range, status: 'cancelled' })).body.items[0];
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.status_history.map((h: { to: string }) => h.to)).toEqual(['scheduled', 'cancelled']);
  });

  it('takes both dates inclusively, by the local date at the location: date_to is in, the next day is out', async () => {
    const [before, from, to, after] = days(4) as [string, string, string, string];
    const op = clinic.operatories[0]!.uuid;
    const lastOfBefore = await book({ day: before, start: '23:00', end: '23:45', operatory_uuid: op });
    const firstOfFrom = await book({ day: from, start: '00:00', end: '00:45', operatory_uuid: op });
    const onTo = await book({ day: to, start: '12:00', end: '13:00', operatory_uuid: op });
    // 22:30 in Los Angeles is 05:30 (or 06:30) UTC of the next day: still on `to` here.
    const evening = await book({ day: to, start: '22:30', end: '23:15', operatory_uuid: op });
    expect(DateTime.fromISO(`${to}T22:30`, { zone: LA }).toUTC().toISODate()).toBe(after);
    const firstOfAfter = await book({ day: after, start: '00:00', end: '00:45', operatory_uuid: op });

    expect(await uuidsOf({ date_from: from, date_to: to })).toEqual([firstOfFrom.uuid, onTo.uuid, evening.uuid]);
    expect(await uuidsOf({ date_from: to, date_to: to })).toEqual([onTo.uuid, evening.uuid]);
    expect(await uuidsOf({ date_from: after, date_to: after })).toEqual([firstOfAfter.uuid]);
    expect(await uuidsOf({ date_from: before, date_to: before })).toEqual([lastOfBefore.uuid]);
    expect(await uuidsOf({ date_from: before, date_to: after })).toEqual([lastOfBefore, firstOfFrom, onTo, evening, firstOfAfter].map((a) => a.uuid));
  });

  it('uses each location’s own zone, out to UTC+14 and UTC−12', async () => {
    const [day] = days(1) as [string];
    const kiritimati = await locationIn('Pacific/Kiritimati'); // UTC+14
    const bakerIsland = await locationIn('Etc/GMT+12'); // UTC−12
    // Local midnight at UTC+14 is the earliest instant of `day` anywhere (the day before, 10:00Z);
    // 23:00 at UTC−12 one of the latest (the day after, 11:00Z).
    const earliest = await book({ day, start: '00:00', end: '00:45', location_uuid: kiritimati.uuid, operatory_uuid: kiritimati.operatory });
    const latest = await book({ day, start: '23:00', end: '23:45', location_uuid: bakerIsland.uuid, operatory_uuid: bakerIsland.operatory });
    const before = await book({ day: shift(day, -1), start: '23:00', end: '23:45', location_uuid: kiritimati.uuid, operatory_uuid: kiritimati.operatory });
    const after = await book({ day: shift(day, 1), start: '00:00', end: '00:45', location_uuid: bakerIsland.uuid, operatory_uuid: bakerIsland.operatory });

    expect(await uuidsOf({ date_from: day, date_to: day })).toEqual([earliest.uuid, latest.uuid]);
    expect(await uuidsOf({ date_from: shift(day, -1), date_to: shift(day, -1) })).toEqual([before.uuid]);
    expect(await uuidsOf({ date_from: shift(day, 1), date_to: shift(day, 1) })).toEqual([after.uuid]);
    const listed = (await dayView({ date_from: day, date_to: day })).body.items;
    expect(listed.map((a: { scheduled_start: string; time_zone: string }) => [a.scheduled_start, a.time_zone])).toEqual([
      [`${day}T00:00:00`, 'Pacific/Kiritimati'],
      [`${day}T23:00:00`, 'Etc/GMT+12'],
    ]);
  });

  it('answers 400 for a range over 31 days, a reversed range and a malformed query', async () => {
    const [from] = days(1) as [string];
    expect((await dayView({ date_from: from, date_to: shift(from, 30) })).status).toBe(200);
    const tooLong = await dayView({ date_from: from, date_to: shift(from, 31) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ path: 'query.date_to' })]);
    expect((await dayView({ date_from: from, date_to: shift(from, -1) })).status).toBe(400);
    expect((await dayView({ date_from: from })).status).toBe(400);
    expect((await dayView({ date_from: from, date_to: from, status: 'lost' })).status).toBe(400);
    expect((await dayView({ date_from: from, date_to: from, provider_uuid: 'nope' })).status).toBe(400);
    expect((await dayView({ date_from: from, date_to: from, page_size: 101 })).status).toBe(400);
    expect((await dayView({ date_from: from, date_to: from, colour: 'red' })).status).toBe(400);
  });
});

describe('GET /patients/{uuid}/appointments', () => {
  it('lists every appointment of the patient by start, paginated and filtered by status; 404 for an unknown patient', async () => {
    const [d1, d2, d3] = days(3) as [string, string, string];
    const created = await http.post(`${base}/patients`, { first_name: 'Ada', last_name: 'Lovelace', date_of_birth: '1990-12-10' });
    expect(created.status).toBe(201);
    const patient = created.body.uuid as string;
    const path = `${base}/patients/${patient}/appointments`;

    expect((await http.get(path)).body).toEqual({ items: [], page: 1, page_size: 20, total: 0 });

    const third = await book({ day: d3, start: '09:00', end: '10:00', patient_uuid: patient });
    const first = await book({ day: d1, start: '16:00', end: '17:00', patient_uuid: patient });
    const second = await book({ day: d2, start: '08:00', end: '09:00', patient_uuid: patient });
    const fourth = await book({ day: d3, start: '14:00', end: '14:45', patient_uuid: patient, provider_uuid: clinic.hygienist.uuid, appointment_type_uuid: clinic.types.cleaning.uuid });
    await book({ day: d2, start: '10:00', end: '11:00', patient_uuid: clinic.patients.jonathan.uuid }); // someone else's
    await cancel(second.uuid);

    const all = await http.get(path);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ page: 1, page_size: 20, total: 4 });
    expect(all.body.items.map((a: { uuid: string }) => a.uuid)).toEqual([first, second, third, fourth].map((a) => a.uuid));
    expect(all.body.items[0]).toEqual((await http.get(`${base}/appointments/${first.uuid}`)).body);

    const page2 = await http.get(`${path}?page=2&page_size=3`);
    expect(page2.body).toMatchObject({ page: 2, page_size: 3, total: 4 });
    expect(page2.body.items.map((a: { uuid: string }) => a.uuid)).toEqual([fourth.uuid]);

    const cancelled = await http.get(`${path}?status=cancelled`);
    expect(cancelled.body).toMatchObject({ total: 1, items: [expect.objectContaining({ uuid: second.uuid, status: 'cancelled' })] });
    const scheduled = await http.get(`${path}?status=scheduled&page_size=2`);
    expect(scheduled.body.total).toBe(3);
    expect(scheduled.body.items.map((a: { uuid: string }) => a.uuid)).toEqual([first.uuid, third.uuid]);

    const unknown = await http.get(`${base}/patients/${randomUUID()}/appointments`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    expect((await http.get(`${path}?status=lost`)).status).toBe(400);
    expect((await http.get(`${base}/patients/not-a-uuid/appointments`)).status).toBe(400);
  });
});

describe('a rescheduled appointment', () => {
  it('moves in the day view and in the patient view', async () => {
    const [d1, d2] = days(2) as [string, string];
    const created = await http.post(`${base}/patients`, { first_name: 'Grace', last_name: 'Hopper', date_of_birth: '1986-12-09' });
    const patient = created.body.uuid as string;
    const op = clinic.operatories[1]!.uuid;
    const moving = await book({ day: d1, start: '09:00', end: '10:00', patient_uuid: patient, operatory_uuid: op });
    const staying = await book({ day: d1, start: '11:00', end: '12:00', patient_uuid: patient, operatory_uuid: op });
    const patientView = async () => (await http.get(`${base}/patients/${patient}/appointments`)).body.items.map((a: { uuid: string; scheduled_start: string }) => [a.uuid, a.scheduled_start]);
    expect(await patientView()).toEqual([[moving.uuid, `${d1}T09:00:00`], [staying.uuid, `${d1}T11:00:00`]]);

    // Later on the same day: now after the other one.
    const later = await http.call('PATCH', `${base}/appointments/${moving.uuid}`, { body: { scheduled_start: `${d1}T14:00:00`, scheduled_end: `${d1}T15:00:00` } });
    expect(later.status).toBe(200);
    expect(await uuidsOf({ date_from: d1, date_to: d1, patient_uuid: patient })).toEqual([staying.uuid, moving.uuid]);
    expect(await patientView()).toEqual([[staying.uuid, `${d1}T11:00:00`], [moving.uuid, `${d1}T14:00:00`]]);

    // To the next day: gone from the first day's view, there on the second's.
    const nextDay = await http.call('PATCH', `${base}/appointments/${moving.uuid}`, { body: { scheduled_start: `${d2}T08:30:00`, scheduled_end: `${d2}T09:30:00` } });
    expect(nextDay.status).toBe(200);
    expect(await uuidsOf({ date_from: d1, date_to: d1, patient_uuid: patient })).toEqual([staying.uuid]);
    const d2View = await dayView({ date_from: d2, date_to: d2, patient_uuid: patient });
    expect(d2View.body.items).toEqual([nextDay.body]);
    expect(d2View.body.items[0].scheduled_start).toBe(`${d2}T08:30:00`);
    expect(await patientView()).toEqual([[staying.uuid, `${d1}T11:00:00`], [moving.uuid, `${d2}T08:30:00`]]);
  });
});

describe('organisations', () => {
  it("never show another organisation's appointments", async () => {
    const [day] = days(1) as [string];
    const other = await createTestClinic();
    const otherHttp = client(api.baseUrl, other.token);
    const otherBase = `/api/v1/${other.orgId}`;
    const ours = await book({ day, start: '10:00', end: '11:00' });
    const theirs = await book(
      {
        day,
        start: '10:00',
        end: '11:00',
        patient_uuid: other.patients.jane.uuid,
        appointment_type_uuid: other.types.exam.uuid,
        location_uuid: other.location.uuid,
        provider_uuid: other.dentist.uuid,
      },
      otherHttp,
      otherBase,
    );

    expect(await uuidsOf({ date_from: day, date_to: day })).toEqual([ours.uuid]);
    expect(await uuidsOf({ date_from: day, date_to: day }, otherHttp, otherBase)).toEqual([theirs.uuid]);
    // Their ids as filters find nothing here.
    expect(await uuidsOf({ date_from: day, date_to: day, patient_uuid: other.patients.jane.uuid })).toEqual([]);
    expect(await uuidsOf({ date_from: day, date_to: day, location_uuid: other.location.uuid })).toEqual([]);
    // Their patient is not ours: 404, not their appointments.
    expect((await http.get(`${base}/patients/${other.patients.jane.uuid}/appointments`)).status).toBe(404);
    const theirPatient = await otherHttp.get(`${otherBase}/patients/${other.patients.jane.uuid}/appointments`);
    expect(theirPatient.body.items.map((a: { uuid: string }) => a.uuid)).toEqual([theirs.uuid]);
    // Our token on their path is refused outright.
    expect((await http.get(`${otherBase}/appointments?date_from=${day}&date_to=${day}`)).status).toBe(403);
  });
});
