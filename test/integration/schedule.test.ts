import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createTestClinic, tokenFor, type TestClinic } from '../helpers/clinic.ts';
import { client } from '../helpers/local-api.ts';
import { useClinic, type Client, type LocalApi } from '../helpers/use-clinic.ts';
import { createProvider } from '#shared/domain/providers.ts';

const LA = 'America/Los_Angeles';
const fixture = useClinic({ workingHours: false });
let api: LocalApi;
let clinic: TestClinic;
let http: Client;
let base: string;

/** The next date (local, after `from`) that falls on an ISO weekday. */
function next(weekday: number, from = DateTime.now().setZone(LA).plus({ days: 7 })): string {
  return from.plus({ days: (weekday - from.weekday + 7) % 7 }).toISODate()!;
}

const nineToFive = { monday: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }], tuesday: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }] };

beforeAll(async () => {
  ({ api, clinic, http, base } = fixture);
  const res = await http.call('PUT', `${base}/providers/${clinic.dentist.uuid}/working-hours/${clinic.location.uuid}`, { body: { weekly: nineToFive } });
  expect(res.status).toBe(200);
});

function availability(query: Record<string, string>) {
  const params = new URLSearchParams({ location_uuid: clinic.location.uuid, appointment_type_uuid: clinic.types.exam.uuid, ...query });
  return http.get(`${base}/schedule/availability?${params}`);
}

function book(start: string, end: string, overrides: Record<string, unknown> = {}) {
  return http.post(`${base}/appointments`, {
    patient_uuid: clinic.patients.jane.uuid,
    appointment_type_uuid: clinic.types.exam.uuid,
    location_uuid: clinic.location.uuid,
    provider_uuid: clinic.dentist.uuid,
    scheduled_start: start,
    scheduled_end: end,
    ...overrides,
  });
}

describe('working hours', () => {
  it('are replaced as a whole and listed per location', async () => {
    const res = await http.get(`${base}/providers/${clinic.dentist.uuid}/working-hours`);
    expect(res.body).toEqual({
      items: [
        {
          provider_uuid: clinic.dentist.uuid,
          location_uuid: clinic.location.uuid,
          weekly: { ...Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, []])), ...nineToFive },
          effective_from: null,
          effective_to: null,
          scheduled_changes: [],
        },
      ],
      total: 1,
    });
  });

  it('refuse overlapping or inverted intervals, bad times and unknown days (400), unknown provider or location (404)', async () => {
    const url = `${base}/providers/${clinic.hygienist.uuid}/working-hours/${clinic.location.uuid}`;
    for (const weekly of [{ monday: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }] }, { monday: [{ start: '12:00', end: '09:00' }] }, { monday: [{ start: '9:00', end: '12:00' }] }, { funday: [] }]) {
      expect((await http.call('PUT', url, { body: { weekly } })).status, JSON.stringify(weekly)).toBe(400);
    }
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await http.call('PUT', `${base}/providers/${missing}/working-hours/${clinic.location.uuid}`, { body: { weekly: {} } })).status).toBe(404);
    expect((await http.call('PUT', `${base}/providers/${clinic.hygienist.uuid}/working-hours/${missing}`, { body: { weekly: {} } })).status).toBe(404);
  });

  it('need the admin scope to change', async () => {
    const read = await tokenFor(clinic.orgId, ['read', 'write']);
    const res = await http.call('PUT', `${base}/providers/${clinic.dentist.uuid}/working-hours/${clinic.location.uuid}`, { body: { weekly: nineToFive }, token: read });
    expect(res.status).toBe(403);
  });
});

describe('GET /schedule/availability', () => {
  it('lists the windows inside working hours, on the grid, with the free operatories', async () => {
    const monday = next(1);
    const res = await availability({ date_from: monday, date_to: monday });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ location_uuid: clinic.location.uuid, time_zone: LA, duration_minutes: 60 });
    const starts = res.body.items.map((w: any) => w.scheduled_start.slice(11, 16));
    // 09:00–12:00 and 13:00–17:00, 60-minute windows every 15 minutes.
    expect(starts).toEqual(['09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45', '11:00', '13:00', '13:15', '13:30', '13:45', '14:00', '14:15', '14:30', '14:45', '15:00', '15:15', '15:30', '15:45', '16:00']);
    expect(res.body.items[0]).toEqual({
      scheduled_start: `${monday}T09:00:00`,
      scheduled_end: `${monday}T10:00:00`,
      provider: { uuid: clinic.dentist.uuid, first_name: 'Michael', last_name: 'Chen', title: 'DDS' },
      operatories: clinic.operatories.map((o) => ({ uuid: o.uuid, name: o.name })),
    });
    expect(res.body.total).toBe(starts.length);
  });

  it('leaves out providers without hours there, and days they do not work', async () => {
    const wednesday = next(3);
    expect((await availability({ date_from: wednesday, date_to: wednesday })).body.items).toEqual([]);
    const withHygienist = await availability({ date_from: next(1), date_to: next(1), provider_uuid: clinic.hygienist.uuid });
    expect(withHygienist.body.items).toEqual([]);
  });

  it('every window it shows books, and a booked window disappears (adjacent ones stay)', async () => {
    const tuesday = next(2);
    const before = await availability({ date_from: tuesday, date_to: tuesday });
    const window = before.body.items.find((w: any) => w.scheduled_start.endsWith('10:00:00'));
    const booked = await book(window.scheduled_start, window.scheduled_end, { operatory_uuid: window.operatories[0].uuid });
    expect(booked.status).toBe(201);
    const after = await availability({ date_from: tuesday, date_to: tuesday });
    const starts = after.body.items.map((w: any) => w.scheduled_start.slice(11, 16));
    for (const gone of ['09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45']) expect(starts).not.toContain(gone);
    expect(starts).toContain('09:00');
    expect(starts).toContain('11:00');
  });

  it('takes another duration, and refuses one off the grid', async () => {
    const monday = next(1);
    const res = await availability({ date_from: monday, date_to: monday, duration_minutes: '180' });
    expect(res.body.items.map((w: any) => w.scheduled_start.slice(11, 16))).toEqual(['09:00', '13:00', '13:15', '13:30', '13:45', '14:00']);
    expect((await availability({ date_from: monday, date_to: monday, duration_minutes: '50' })).status).toBe(422);
  });

  it('bounds the range to 14 days and needs real references', async () => {
    const from = next(1);
    const to = DateTime.fromISO(from).plus({ days: 14 }).toISODate()!;
    const tooWide = await availability({ date_from: from, date_to: to });
    expect(tooWide.status).toBe(400);
    expect(tooWide.body.errors[0].path).toBe('query.date_to');
    const inverted = await availability({ date_from: to, date_to: from });
    expect(inverted.status).toBe(400);
    const unknown = await availability({ date_from: from, date_to: from, location_uuid: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(422);
    const archived = await availability({ date_from: from, date_to: from, appointment_type_uuid: clinic.types.archived.uuid });
    expect(archived.status).toBe(422);
  });
});

describe('time off', () => {
  it('blocks a provider: gone from availability, refused by booking, back after removal', async () => {
    const monday = next(1, DateTime.now().setZone(LA).plus({ days: 21 }));
    const created = await http.post(`${base}/time-off`, { provider_uuid: clinic.dentist.uuid, location_uuid: clinic.location.uuid, start: `${monday}T09:00:00`, end: `${monday}T11:00:00`, reason: 'CE course' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      uuid: expect.any(String),
      provider_uuid: clinic.dentist.uuid,
      operatory_uuid: null,
      location_uuid: clinic.location.uuid,
      start: `${monday}T09:00:00`,
      end: `${monday}T11:00:00`,
      time_zone: LA,
      reason: 'CE course',
      affected_appointments: [],
    });
    const starts = (await availability({ date_from: monday, date_to: monday })).body.items.map((w: any) => w.scheduled_start.slice(11, 16));
    expect(starts[0]).toBe('11:00');
    const refused = await book(`${monday}T10:00:00`, `${monday}T11:00:00`);
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ path: 'body.provider_uuid', message: expect.stringContaining('time off') }]);

    const listed = await http.get(`${base}/time-off?provider_uuid=${clinic.dentist.uuid}&location_uuid=${clinic.location.uuid}&date_from=${monday}&date_to=${monday}`);
    expect(listed.body.items.map((t: any) => t.uuid)).toEqual([created.body.uuid]);
    expect((await http.call('DELETE', `${base}/time-off/${created.body.uuid}`)).status).toBe(204);
    expect((await http.call('DELETE', `${base}/time-off/${created.body.uuid}`)).status).toBe(404);
    expect((await book(`${monday}T10:00:00`, `${monday}T11:00:00`)).status).toBe(201);
  });

  it('blocks an operatory: it leaves the free list, the others stay', async () => {
    const tuesday = next(2, DateTime.now().setZone(LA).plus({ days: 21 }));
    const chair = clinic.operatories[1]!;
    const created = await http.post(`${base}/time-off`, { operatory_uuid: chair.uuid, location_uuid: clinic.location.uuid, start: `${tuesday}T00:00:00`, end: `${tuesday}T23:00:00` });
    expect(created.status).toBe(201);
    const windows = (await availability({ date_from: tuesday, date_to: tuesday })).body.items;
    expect(windows.length).toBeGreaterThan(0);
    for (const w of windows) expect(w.operatories.map((o: any) => o.uuid)).not.toContain(chair.uuid);
    const refused = await book(`${tuesday}T09:00:00`, `${tuesday}T10:00:00`, { operatory_uuid: chair.uuid });
    expect(refused.status).toBe(422);
    const auto = await book(`${tuesday}T09:00:00`, `${tuesday}T10:00:00`);
    expect(auto.status).toBe(201);
    expect(auto.body.operatory.uuid).not.toBe(chair.uuid);
  });

  it('refuses bad entries', async () => {
    const monday = next(1);
    const cases: [Record<string, unknown>, number][] = [
      [{ location_uuid: clinic.location.uuid, start: `${monday}T09:00:00`, end: `${monday}T10:00:00` }, 400], // neither resource
      [{ provider_uuid: clinic.dentist.uuid, operatory_uuid: clinic.operatories[0]!.uuid, location_uuid: clinic.location.uuid, start: `${monday}T09:00:00`, end: `${monday}T10:00:00` }, 400],
      [{ provider_uuid: clinic.dentist.uuid, location_uuid: clinic.location.uuid, start: `${monday}T10:00:00`, end: `${monday}T09:00:00` }, 422],
      [{ provider_uuid: '00000000-0000-4000-8000-000000000000', location_uuid: clinic.location.uuid, start: `${monday}T09:00:00`, end: `${monday}T10:00:00` }, 422],
      [{ provider_uuid: clinic.dentist.uuid, location_uuid: clinic.location.uuid, start: `${monday}T09:00:00`, end: DateTime.fromISO(monday).plus({ days: 100 }).toISODate() + 'T09:00:00' }, 422],
    ];
    for (const [body, status] of cases) expect((await http.post(`${base}/time-off`, body)).status, JSON.stringify(body)).toBe(status);
  });
});

describe('booking respects the schedule', () => {
  it('refuses a window outside working hours, partly outside, or across the lunch break', async () => {
    const monday = next(1, DateTime.now().setZone(LA).plus({ days: 35 }));
    for (const [start, end] of [['07:00', '08:00'], ['16:30', '17:30'], ['11:30', '12:30']]) {
      const res = await book(`${monday}T${start}:00`, `${monday}T${end}:00`);
      expect(res.status, start).toBe(422);
      expect(res.body.errors[0].message).toContain('working hours');
    }
    expect((await book(`${monday}T16:00:00`, `${monday}T17:00:00`)).status).toBe(201);
  });

  it('refuses a provider without hours at the location', async () => {
    const res = await book(`${next(1)}T09:00:00`, `${next(1)}T10:00:00`, { provider_uuid: clinic.hygienist.uuid });
    expect(res.status).toBe(422);
  });

  it('refuses an inactive provider', async () => {
    const retired = await createProvider(clinic.orgId, { first_name: 'Old', last_name: 'Timer', title: 'DDS', is_active: false });
    const res = await book(`${next(1)}T09:00:00`, `${next(1)}T10:00:00`, { provider_uuid: retired.uuid });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'body.provider_uuid', message: 'the provider is inactive' }]);
  });
});

describe('daylight-saving days in availability', () => {
  async function sundayClinic(day: string) {
    const c = await createTestClinic({ workingHours: false });
    const h = client(api.baseUrl, c.token);
    await h.call('PUT', `/api/v1/${c.orgId}/providers/${c.dentist.uuid}/working-hours/${c.location.uuid}`, { body: { weekly: { sunday: [{ start: '00:00', end: '06:00' }] } } });
    const res = await h.get(`/api/v1/${c.orgId}/schedule/availability?location_uuid=${c.location.uuid}&appointment_type_uuid=${c.types.exam.uuid}&date_from=${day}&date_to=${day}&duration_minutes=30`);
    expect(res.status).toBe(200);
    return { c, h, starts: res.body.items.map((w: any) => w.scheduled_start as string) as string[], items: res.body.items as any[] };
  }
  // The next spring-forward and fall-back Sundays in Los Angeles (second Sunday of March, first of November).
  const nthSunday = (year: number, month: number, n: number) => {
    const first = DateTime.fromObject({ year, month, day: 1 }, { zone: LA });
    return first.plus({ days: (7 - first.weekday) % 7 + 7 * (n - 1) });
  };
  const upcoming = (month: number, n: number) => {
    const now = DateTime.now().setZone(LA);
    const thisYear = nthSunday(now.year, month, n);
    return (thisYear > now.plus({ days: 1 }) ? thisYear : nthSunday(now.year + 1, month, n)).toISODate()!;
  };

  it('offers no start in the skipped hour of the spring-forward day', async () => {
    const day = upcoming(3, 2);
    const { starts, h, c, items } = await sundayClinic(day);
    expect(starts.filter((s) => s.slice(11, 13) === '02')).toEqual([]);
    expect(starts).toHaveLength(19); // 00:00–06:00 is five real hours: 19 half-hour windows every 15 minutes
    const crossing = items.find((w: any) => w.scheduled_start === `${day}T01:45:00`);
    expect(crossing.scheduled_end).toBe(`${day}T03:15:00`);
    const booked = await h.post(`/api/v1/${c.orgId}/appointments`, {
      patient_uuid: c.patients.jane.uuid,
      appointment_type_uuid: c.types.exam.uuid,
      location_uuid: c.location.uuid,
      provider_uuid: c.dentist.uuid,
      scheduled_start: crossing.scheduled_start,
      scheduled_end: crossing.scheduled_end,
    });
    expect(booked.status).toBe(201);
  });

  it('offers the repeated hour of the fall-back day once per real time, with offsets', async () => {
    const day = upcoming(11, 1);
    const { starts, h, c } = await sundayClinic(day);
    expect(starts).toHaveLength(27); // 00:00–06:00 is seven real hours that day
    expect(new Set(starts).size).toBe(27);
    expect(starts.filter((s) => s.slice(11, 13) === '01')).toEqual([
      `${day}T01:00:00-07:00`, `${day}T01:15:00-07:00`, `${day}T01:30:00-07:00`, `${day}T01:45:00-07:00`,
      `${day}T01:00:00-08:00`, `${day}T01:15:00-08:00`, `${day}T01:30:00-08:00`, `${day}T01:45:00-08:00`,
    ]);
    const booked = await h.post(`/api/v1/${c.orgId}/appointments`, {
      patient_uuid: c.patients.jane.uuid,
      appointment_type_uuid: c.types.exam.uuid,
      location_uuid: c.location.uuid,
      provider_uuid: c.dentist.uuid,
      scheduled_start: `${day}T01:30:00-08:00`,
      scheduled_end: `${day}T02:00:00`,
    });
    expect(booked.status).toBe(201);
  });
});
