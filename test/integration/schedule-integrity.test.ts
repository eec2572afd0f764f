/**
 * Every booking fits the schedule, whatever the order and concurrency of bookings, moves and
 * schedule changes: time off and `is_active` are checked inside the booking's transaction (the
 * schedule guards), a time off lists every live appointment it overlapped, a deactivation with
 * future appointments is refused naming them, and working hours report what they leave outside and
 * can be scheduled for a later date. Against DynamoDB Local, through the local API.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createProvider } from '#shared/domain/providers.ts';
import { createOperatory } from '#shared/domain/operatories.ts';
import { RETENTION_SECONDS } from '#shared/domain/slot-locks.ts';
import { worksAroundTheClock, type TestClinic } from '../helpers/clinic.ts';
import { useClinic, type Client } from '../helpers/use-clinic.ts';
import { assertTimeOffListsEveryAppointment, readAppointments } from '../helpers/invariants.ts';
import { operatoryLocks, providerLocks } from '../helpers/table.ts';

const LA = 'America/Los_Angeles';
const fixture = useClinic();
let clinic: TestClinic;
let http: Client;
let base: string;

beforeAll(() => {
  ({ clinic, http, base } = fixture);
});

let dayCounter = 0;
/** A fresh local date for each test, so tests never share windows. */
function freshDay(): string {
  dayCounter += 3;
  return DateTime.now().setZone(LA).plus({ days: 30 + dayCounter }).toISODate()!;
}
const at = (day: string, minutes: number) => DateTime.fromISO(`${day}T00:00:00`, { zone: LA }).plus({ minutes }).toFormat("yyyy-LL-dd'T'HH:mm:ss");

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

function timeOff(start: string, end: string, resource: { provider_uuid: string } | { operatory_uuid: string } = { provider_uuid: clinic.dentist.uuid }) {
  return http.post(`${base}/time-off`, { ...resource, location_uuid: clinic.location.uuid, start, end, reason: 'blocked' });
}

describe('time off over live appointments', () => {
  it('is created, and its answer and every later read list the live appointments it overlaps', async () => {
    const day = freshDay();
    const inside = await book(`${day}T09:00:00`, `${day}T10:00:00`);
    const edge = await book(`${day}T11:30:00`, `${day}T12:30:00`);
    const before = await book(`${day}T07:00:00`, `${day}T08:00:00`); // ends where the block starts: not affected
    const cancelled = await book(`${day}T10:00:00`, `${day}T11:00:00`);
    expect([inside.status, edge.status, before.status, cancelled.status]).toEqual([201, 201, 201, 201]);
    expect((await http.call('PATCH', `${base}/appointments/${cancelled.body.uuid}/status`, { body: { status: 'cancelled' } })).status).toBe(200);

    const created = await timeOff(`${day}T08:00:00`, `${day}T12:00:00`);
    expect(created.status).toBe(201);
    const expected = [
      { uuid: inside.body.uuid, scheduled_start: `${day}T09:00:00`, scheduled_end: `${day}T10:00:00`, status: 'scheduled' },
      { uuid: edge.body.uuid, scheduled_start: `${day}T11:30:00`, scheduled_end: `${day}T12:30:00`, status: 'scheduled' },
    ];
    expect(created.body.affected_appointments).toEqual(expected);
    const listed = await http.get(`${base}/time-off?provider_uuid=${clinic.dentist.uuid}&date_from=${day}&date_to=${day}`);
    expect(listed.body.items.find((t: any) => t.uuid === created.body.uuid).affected_appointments).toEqual(expected);
    // The appointments stand; new ones in the block are refused.
    expect((await http.get(`${base}/appointments/${inside.body.uuid}`)).body.status).toBe('scheduled');
    expect((await book(`${day}T10:00:00`, `${day}T11:00:00`)).status).toBe(422);
  });

  it('of an operatory lists that chair’s appointments, and bookings then avoid or refuse the chair', async () => {
    const day = freshDay();
    const chair = clinic.operatories[1]!.uuid;
    const there = await book(`${day}T09:00:00`, `${day}T10:00:00`, { operatory_uuid: chair });
    const elsewhere = await book(`${day}T09:00:00`, `${day}T10:00:00`, { operatory_uuid: clinic.operatories[0]!.uuid, provider_uuid: clinic.hygienist.uuid });
    const created = await timeOff(`${day}T08:00:00`, `${day}T12:00:00`, { operatory_uuid: chair });
    expect(created.status).toBe(201);
    expect(created.body.affected_appointments.map((a: any) => a.uuid)).toEqual([there.body.uuid]);
    expect(elsewhere.status).toBe(201);
    const refused = await book(`${day}T10:00:00`, `${day}T11:00:00`, { operatory_uuid: chair });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ path: 'body.operatory_uuid', message: expect.stringContaining('blocked') }]);
    const auto = await book(`${day}T10:00:00`, `${day}T11:00:00`);
    expect(auto.status).toBe(201);
    expect(auto.body.operatory.uuid).not.toBe(chair);
  });
});

describe('bookings and time off sent together', () => {
  it('never leave a live appointment inside a time off that does not list it (40 pairs, and 12 moves)', async () => {
    const days = [freshDay(), freshDay()];
    const providers = [clinic.dentist.uuid, clinic.hygienist.uuid];
    const windows = Array.from({ length: 40 }, (_, i) => ({ day: days[i % 2]!, provider: providers[Math.floor(i / 2) % 2]!, start: 60 + 30 * Math.floor(i / 4), lead: ((i % 8) - 4) * 8 }));
    const outcomes = await Promise.all(
      windows.map(async (w) => {
        // A different head start per pair (either side), so both orders of commit happen.
        const [booking, block] = await Promise.all([
          pause(Math.max(0, -w.lead)).then(() => book(at(w.day, w.start), at(w.day, w.start + 30), { provider_uuid: w.provider })),
          pause(Math.max(0, w.lead)).then(() => timeOff(at(w.day, w.start), at(w.day, w.start + 30), { provider_uuid: w.provider })),
        ]);
        return { w, booking: booking.status, block: block.status, listed: block.body.affected_appointments?.length ?? -1 };
      }),
    );
    console.log(`pairs: ${JSON.stringify(outcomes.map((o) => `${o.booking}/${o.block}`))}`);
    for (const o of outcomes) {
      // Under this burst a request may answer 503 (it then wrote nothing, see below); never anything else.
      expect([201, 503]).toContain(o.block);
      expect([201, 422, 503]).toContain(o.booking);
      // A booking that committed before the time off is listed in it; one after it was refused.
      if (o.block === 201) expect(o.listed).toBe(o.booking === 201 ? 1 : 0);
    }
    expect(outcomes.filter((o) => o.block === 201 && o.booking === 422).length).toBeGreaterThan(0);
    // What a 503 answered is not in the table.
    const listedBlocks = await Promise.all(
      outcomes.map(async (o) => (await http.get(`${base}/time-off?provider_uuid=${o.w.provider}&date_from=${o.w.day}&date_to=${o.w.day}`)).body.items as { start: string }[]),
    );
    outcomes.forEach((o, i) => expect(listedBlocks[i]!.filter((b) => b.start === at(o.w.day, o.w.start)).length).toBe(o.block === 201 ? 1 : 0));

    // Moves into windows blocked at the same moment.
    const moveDay = freshDay();
    const sources = await Promise.all(Array.from({ length: 12 }, (_, i) => book(at(moveDay, 60 * 12 + 30 * i), at(moveDay, 60 * 12 + 30 * i + 30), { provider_uuid: clinic.hygienist.uuid })));
    const moves = await Promise.all(
      sources.map(async (source, i) => {
        expect(source.status).toBe(201);
        const target = { start: at(moveDay, 60 * 2 + 30 * i), end: at(moveDay, 60 * 2 + 30 * i + 30) };
        const [move, block] = await Promise.all([
          http.call('PATCH', `${base}/appointments/${source.body.uuid}`, { body: { scheduled_start: target.start, scheduled_end: target.end } }),
          pause((i % 6) * 8).then(() => timeOff(target.start, target.end, { provider_uuid: clinic.hygienist.uuid })),
        ]);
        return { move: move.status, block: block.status, listed: block.body.affected_appointments?.length ?? -1 };
      }),
    );
    for (const m of moves) {
      expect([201, 503]).toContain(m.block);
      expect([200, 422, 503]).toContain(m.move);
      if (m.block === 201) expect(m.listed).toBe(m.move === 200 ? 1 : 0);
    }

    await assertTimeOffListsEveryAppointment(clinic.orgId, await readAppointments(clinic.orgId), {
      provider: [clinic.dentist.uuid, clinic.hygienist.uuid],
      operatory: clinic.operatories.map((o) => o.uuid),
    });
    const summary = <T extends Record<K, number>, K extends string>(xs: T[], key: K) => xs.reduce<Record<number, number>>((acc, x) => ({ ...acc, [x[key]]: (acc[x[key]] ?? 0) + 1 }), {});
    console.log(
      `booking vs time off: bookings ${JSON.stringify(summary(outcomes, 'booking'))}, time off ${JSON.stringify(summary(outcomes, 'block'))}; moves ${JSON.stringify(summary(moves, 'move'))}, time off ${JSON.stringify(summary(moves, 'block'))}`,
    );
  }, 120_000);
});

describe('deactivating a provider or an operatory', () => {
  it('is refused while future live appointments use it, naming each; allowed once they are gone', async () => {
    const day = freshDay();
    const provider = await createProvider(clinic.orgId, { first_name: 'Temp', last_name: 'Locum', title: 'DDS' });
    await worksAroundTheClock(clinic.orgId, provider.uuid, clinic.location.uuid);
    const first = await book(`${day}T09:00:00`, `${day}T10:00:00`, { provider_uuid: provider.uuid });
    const second = await book(`${day}T13:00:00`, `${day}T14:00:00`, { provider_uuid: provider.uuid });
    const refused = await http.call('PATCH', `${base}/providers/${provider.uuid}`, { body: { is_active: false, title: 'DMD' } });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body.type).toContain('has-appointments');
    expect(refused.body.conflicts).toEqual([
      { resource: 'provider', resource_uuid: provider.uuid, appointment_uuid: first.body.uuid, slot_start: expect.any(String) },
      { resource: 'provider', resource_uuid: provider.uuid, appointment_uuid: second.body.uuid, slot_start: expect.any(String) },
    ]);
    expect((await http.get(`${base}/providers/${provider.uuid}`)).body).toMatchObject({ is_active: true, title: 'DDS' });

    for (const id of [first.body.uuid, second.body.uuid]) {
      expect((await http.call('PATCH', `${base}/appointments/${id}/status`, { body: { status: 'cancelled' } })).status).toBe(200);
    }
    const done = await http.call('PATCH', `${base}/providers/${provider.uuid}`, { body: { is_active: false } });
    expect(done.status).toBe(200);
    expect(done.body.is_active).toBe(false);
    expect((await book(`${day}T09:00:00`, `${day}T10:00:00`, { provider_uuid: provider.uuid })).status).toBe(422);
    // And back.
    expect((await http.call('PATCH', `${base}/providers/${provider.uuid}`, { body: { is_active: true } })).status).toBe(200);
    expect((await book(`${day}T09:00:00`, `${day}T10:00:00`, { provider_uuid: provider.uuid })).status).toBe(201);
  });

  it('of an operatory works the same way', async () => {
    const day = freshDay();
    const chair = await createOperatory(clinic.orgId, { location_uuid: clinic.location.uuid, name: 'Operatory Z' });
    const held = await book(`${day}T09:00:00`, `${day}T10:00:00`, { operatory_uuid: chair.uuid });
    const path = `${base}/locations/${clinic.location.uuid}/operatories/${chair.uuid}`;
    const refused = await http.call('PATCH', path, { body: { is_active: false } });
    expect(refused.status).toBe(409);
    expect(refused.body.conflicts).toEqual([{ resource: 'operatory', resource_uuid: chair.uuid, appointment_uuid: held.body.uuid, slot_start: expect.any(String) }]);
    expect((await http.call('PATCH', `${base}/appointments/${held.body.uuid}/status`, { body: { status: 'cancelled' } })).status).toBe(200);
    expect((await http.call('PATCH', path, { body: { is_active: false } })).status).toBe(200);
    expect((await book(`${day}T09:00:00`, `${day}T10:00:00`, { operatory_uuid: chair.uuid })).status).toBe(422);
  });

  it('sent together with bookings: never an inactive provider with a future booking (10 races)', async () => {
    const day = freshDay();
    const results = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const provider = await createProvider(clinic.orgId, { first_name: `Race${i}`, last_name: 'Provider', title: 'DDS' });
        await worksAroundTheClock(clinic.orgId, provider.uuid, clinic.location.uuid);
        const [booking, deactivation] = await Promise.all([
          book(at(day, 60 * 8 + 15 * i), at(day, 60 * 8 + 15 * i + 15), { provider_uuid: provider.uuid, operatory_uuid: clinic.operatories[i % 3]!.uuid }),
          http.call('PATCH', `${base}/providers/${provider.uuid}`, { body: { is_active: false } }),
        ]);
        return `${booking.status}/${deactivation.status}`;
      }),
    );
    for (const r of results) expect(['201/409', '422/200']).toContain(r);
  }, 60_000);
});

describe('working hours changes', () => {
  it('answer with the future live appointments the new hours leave outside', async () => {
    const provider = await createProvider(clinic.orgId, { first_name: 'Hours', last_name: 'Tester', title: 'DDS' });
    await worksAroundTheClock(clinic.orgId, provider.uuid, clinic.location.uuid);
    const day = freshDay();
    const weekday = DateTime.fromISO(day).toFormat('cccc').toLowerCase();
    const early = await book(`${day}T07:00:00`, `${day}T08:00:00`, { provider_uuid: provider.uuid });
    const inHours = await book(`${day}T10:00:00`, `${day}T11:00:00`, { provider_uuid: provider.uuid });
    const res = await http.call('PUT', `${base}/providers/${provider.uuid}/working-hours/${clinic.location.uuid}`, {
      body: { weekly: { [weekday]: [{ start: '09:00', end: '17:00' }] } },
    });
    expect(res.status).toBe(200);
    expect(res.body.affected_appointments).toEqual([{ uuid: early.body.uuid, scheduled_start: `${day}T07:00:00`, scheduled_end: `${day}T08:00:00`, status: 'scheduled' }]);
    expect(inHours.status).toBe(201);
    expect((await book(`${day}T07:00:00`, `${day}T08:00:00`, { provider_uuid: provider.uuid, operatory_uuid: clinic.operatories[2]!.uuid })).status).toBe(422);
  });

  it('with a future effective_from are a scheduled change: the hours in force stay until then', async () => {
    const provider = await createProvider(clinic.orgId, { first_name: 'Scheduled', last_name: 'Change', title: 'DDS' });
    const hoursPath = `${base}/providers/${provider.uuid}/working-hours/${clinic.location.uuid}`;
    const all = (start: string, end: string) => Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, [{ start, end }]]));
    expect((await http.call('PUT', hoursPath, { body: { weekly: all('08:00', '12:00') } })).status).toBe(200);
    const switchDay = DateTime.now().setZone(LA).plus({ days: 20 }).toISODate()!;
    const dayBefore = DateTime.fromISO(switchDay).minus({ days: 1 }).toISODate()!;
    const later = await http.call('PUT', hoursPath, { body: { weekly: all('13:00', '17:00'), effective_from: switchDay } });
    expect(later.status).toBe(200);
    expect(later.body).toMatchObject({
      weekly: { monday: [{ start: '08:00', end: '12:00' }] },
      effective_from: null,
      effective_to: dayBefore,
      scheduled_changes: [{ weekly: { monday: [{ start: '13:00', end: '17:00' }] }, effective_from: switchDay, effective_to: null }],
    });
    const listed = await http.get(`${base}/providers/${provider.uuid}/working-hours`);
    const { affected_appointments: affected, ...hours } = later.body;
    expect(affected).toEqual([]);
    expect(listed.body.items).toEqual([hours]);

    const p = { provider_uuid: provider.uuid };
    expect((await book(`${dayBefore}T09:00:00`, `${dayBefore}T10:00:00`, p)).status).toBe(201);
    expect((await book(`${dayBefore}T14:00:00`, `${dayBefore}T15:00:00`, p)).status).toBe(422);
    expect((await book(`${switchDay}T09:00:00`, `${switchDay}T10:00:00`, p)).status).toBe(422);
    expect((await book(`${switchDay}T14:00:00`, `${switchDay}T15:00:00`, p)).status).toBe(201);

    const params = new URLSearchParams({ location_uuid: clinic.location.uuid, appointment_type_uuid: clinic.types.exam.uuid, provider_uuid: provider.uuid, date_from: dayBefore, date_to: switchDay });
    const windows = (await http.get(`${base}/schedule/availability?${params}`)).body.items.map((w: any) => w.scheduled_start as string);
    expect(windows.filter((w: string) => w.startsWith(dayBefore)).every((w: string) => w.slice(11, 16) < '12:00')).toBe(true);
    expect(windows.filter((w: string) => w.startsWith(switchDay)).every((w: string) => w.slice(11, 16) >= '13:00')).toBe(true);
    expect(windows.some((w: string) => w.startsWith(switchDay))).toBe(true);

    // A PUT without a date replaces the hours from today on, scheduled changes included.
    const now = await http.call('PUT', hoursPath, { body: { weekly: all('08:00', '18:00') } });
    expect(now.body.scheduled_changes).toEqual([]);
    expect(now.body.effective_to).toBeNull();
  });
});

describe('working hours PUTs sent together', () => {
  it('never lose one to the other: the result is one of the two orders (5 rounds)', async () => {
    const all = (start: string, end: string) => Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, [{ start, end }]]));
    for (let round = 0; round < 5; round++) {
      const provider = await createProvider(clinic.orgId, { first_name: `Hours${round}`, last_name: 'Race', title: 'DDS' });
      const path = `${base}/providers/${provider.uuid}/working-hours/${clinic.location.uuid}`;
      expect((await http.call('PUT', path, { body: { weekly: all('08:00', '12:00') } })).status).toBe(200);
      const d1 = DateTime.now().setZone(LA).plus({ days: 10 }).toISODate()!;
      const d2 = DateTime.now().setZone(LA).plus({ days: 20 }).toISODate()!;
      const answers = await Promise.all([
        http.call('PUT', path, { body: { weekly: all('09:00', '13:00'), effective_from: d1 } }),
        http.call('PUT', path, { body: { weekly: all('10:00', '14:00'), effective_from: d2 } }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      const [hours] = (await http.get(`${base}/providers/${provider.uuid}/working-hours`)).body.items;
      const froms = hours.scheduled_changes.map((c: any) => c.effective_from);
      // First then second: both changes scheduled; second then first: the first replaced it. Never only the second.
      expect([JSON.stringify([d1, d2]), JSON.stringify([d1])]).toContain(JSON.stringify(froms));
    }
  }, 60_000);
});

describe('slot lock expiry', () => {
  it('is never earlier than the appointment’s end plus the retention, also after moves', async () => {
    const day = freshDay();
    const res = await book(`${day}T08:00:00`, `${day}T11:00:00`, { operatory_uuid: clinic.operatories[2]!.uuid });
    expect(res.status).toBe(201);
    const id = res.body.uuid as string;
    const check = async (endLocal: string) => {
      const end = DateTime.fromISO(endLocal, { zone: LA }).toSeconds();
      const locks = [...(await providerLocks(clinic.orgId, clinic.dentist.uuid)), ...(await operatoryLocks(clinic.orgId, clinic.operatories[2]!.uuid))].filter(
        (l) => l.appointment_uuid === id,
      );
      expect(locks.length).toBeGreaterThan(0);
      for (const lock of locks) expect(lock.expires_at as number).toBeGreaterThanOrEqual(end + RETENTION_SECONDS);
    };
    await check(`${day}T11:00:00`);
    // Two moves later by 2 hours each keep the shared granules' locks without rewriting them.
    for (const [start, end] of [['10:00', '13:00'], ['12:00', '15:00']]) {
      const moved = await http.call('PATCH', `${base}/appointments/${id}`, { body: { scheduled_start: `${day}T${start}:00`, scheduled_end: `${day}T${end}:00` } });
      expect(moved.status).toBe(200);
      await check(`${day}T${end}:00`);
    }
  });
});
