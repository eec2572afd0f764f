import { beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createTestClinic, tokenFor, type TestClinic } from '../helpers/clinic.ts';
import { client } from '../helpers/local-api.ts';
import { useClinic, type LocalApi } from '../helpers/use-clinic.ts';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';

const fixture = useClinic();
let api: LocalApi;
let clinic: TestClinic;
let http: Client;
let base: string;

const MISSING = '00000000-0000-4000-8000-000000000000';

beforeAll(() => {
  ({ api, clinic, http, base } = fixture);
});

type Client = ReturnType<typeof client>;
const patch = (c: Client, path: string, body: unknown, options: { token?: string } = {}) => c.call('PATCH', path, { ...options, body });

/** A clinic of its own, for tests that look at a whole list. */
async function freshClinic(options: { granularity?: number } = {}) {
  const own = await createTestClinic(options);
  return { own, c: client(api.baseUrl, own.token), b: `/api/v1/${own.orgId}` };
}

function expectProblem(res: { status: number; headers: Headers; body: any }, status: number, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body).toMatchObject({ type: `urn:problem-type:dental-booking:${type}`, status, title: expect.any(String), detail: expect.any(String) });
}

describe('locations', () => {
  it('creates a location: 201, Location header, exactly the shape, readable at once', async () => {
    const body = { name: 'Harbour Dental', time_zone: 'America/New_York', address: '1 Harbour Way, Boston, MA 02110' };
    const res = await http.post(`${base}/locations`, body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ uuid: expect.stringMatching(/^[0-9a-f-]{36}$/), ...body });
    expect(res.headers.get('location')).toBe(`${base}/locations/${res.body.uuid}`);
    const read = await http.get(`${base}/locations/${res.body.uuid}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('answers address null when none is given (or an empty one)', async () => {
    const none = await http.post(`${base}/locations`, { name: 'No Address', time_zone: 'Europe/London' });
    expect(none.body).toEqual({ uuid: expect.any(String), name: 'No Address', time_zone: 'Europe/London', address: null });
    const empty = await http.post(`${base}/locations`, { name: '  Trimmed  ', time_zone: 'Europe/London', address: '  ' });
    expect(empty.body).toMatchObject({ name: 'Trimmed', address: null });
  });

  it('lists every location by name, with a total', async () => {
    const { c, b, own } = await freshClinic();
    await c.post(`${b}/locations`, { name: 'Zeta Smiles', time_zone: 'America/Denver' });
    await c.post(`${b}/locations`, { name: 'Alpha Dental', time_zone: 'America/Chicago', address: '2 Elm St' });
    const res = await c.get(`${b}/locations`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { uuid: expect.any(String), name: 'Alpha Dental', time_zone: 'America/Chicago', address: '2 Elm St' },
        { uuid: own.location.uuid, name: 'Main Street Dental', time_zone: 'America/Los_Angeles', address: null },
        { uuid: expect.any(String), name: 'Zeta Smiles', time_zone: 'America/Denver', address: null },
      ],
      total: 3,
    });
  });

  it('refuses a time zone that is not IANA, unknown fields and missing names with 400', async () => {
    for (const time_zone of ['Mars/Olympus', 'UTC', '', 'PST', '+02:00']) {
      const res = await http.post(`${base}/locations`, { name: 'Bad zone', time_zone });
      expectProblem(res, 400, 'invalid-request');
      expect(res.body.errors, time_zone).toEqual([{ path: 'body.time_zone', message: expect.stringContaining('IANA') }]);
    }
    const unknown = await http.post(`${base}/locations`, { name: 'X', time_zone: 'Europe/Paris', phone: '555' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: 'body.phone', message: 'is not a known field' }]);
    const missing = await http.post(`${base}/locations`, { time_zone: 'Europe/Paris' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: 'body.name', message: expect.any(String) }]);
    const tooLong = await http.post(`${base}/locations`, { name: 'X', time_zone: 'Europe/Paris', address: 'a'.repeat(501) });
    expect(tooLong.status).toBe(400);
  });

  it('changes only the fields sent; address null clears it', async () => {
    const created = (await http.post(`${base}/locations`, { name: 'Old Name', time_zone: 'America/Chicago', address: '3 Oak St' })).body;
    const url = `${base}/locations/${created.uuid}`;
    const renamed = await patch(http, url, { name: 'New Name' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...created, name: 'New Name' });
    const moved = await patch(http, url, { time_zone: 'America/Phoenix', address: null });
    expect(moved.body).toEqual({ uuid: created.uuid, name: 'New Name', time_zone: 'America/Phoenix', address: null });
    expect((await http.get(url)).body).toEqual(moved.body);
    const readdressed = await patch(http, url, { address: '4 Pine St' });
    expect(readdressed.body.address).toBe('4 Pine St');
  });

  it('refuses an empty PATCH, unknown fields and a bad time zone with 400', async () => {
    const url = `${base}/locations/${clinic.location.uuid}`;
    const empty = await patch(http, url, {});
    expectProblem(empty, 400, 'invalid-request');
    expect(empty.body.errors).toEqual([{ path: 'body', message: 'send at least one field to change' }]);
    const unknown = await patch(http, url, { name: 'Renamed?', uuid: MISSING });
    expect(unknown.body.errors).toEqual([{ path: 'body.uuid', message: 'is not a known field' }]);
    const zone = await patch(http, url, { time_zone: 'Mars/Olympus' });
    expect(zone.status).toBe(400);
    expect(zone.body.errors[0].path).toBe('body.time_zone');
    expect((await http.get(url)).body).toMatchObject({ name: 'Main Street Dental', time_zone: 'America/Los_Angeles' });
  });

  it('answers 404 for a location that does not exist, and 400 for a malformed uuid', async () => {
    expectProblem(await http.get(`${base}/locations/${MISSING}`), 404, 'not-found');
    expectProblem(await patch(http, `${base}/locations/${MISSING}`, { name: 'Ghost' }), 404, 'not-found');
    const malformed = await http.get(`${base}/locations/not-a-uuid`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ path: 'path.location_uuid', message: 'must be a uuid' }]);
  });

  it('a PATCH of a missing location writes nothing', async () => {
    const { c, b } = await freshClinic();
    await patch(c, `${b}/locations/${MISSING}`, { name: 'Ghost' });
    expect((await c.get(`${b}/locations`)).body.total).toBe(1);
  });
});

describe('operatories', () => {
  it("lists a location's operatories by name, with a total", async () => {
    const res = await http.get(`${base}/locations/${clinic.location.uuid}/operatories`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(res.body.items.length);
    const { own, c, b } = await freshClinic();
    const list = await c.get(`${b}/locations/${own.location.uuid}/operatories`);
    expect(list.body).toEqual({
      items: own.operatories.map((o) => ({ uuid: o.uuid, location_uuid: own.location.uuid, name: o.name, is_active: true })),
      total: 3,
    });
  });

  it('adds an operatory: 201, exactly the shape, listed in name order', async () => {
    const { own, c, b } = await freshClinic();
    const res = await c.post(`${b}/locations/${own.location.uuid}/operatories`, { name: 'A Operatory (Surgery)' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ uuid: expect.any(String), location_uuid: own.location.uuid, name: 'A Operatory (Surgery)', is_active: true });
    const list = await c.get(`${b}/locations/${own.location.uuid}/operatories`);
    expect(list.body.items.map((o: any) => o.name)).toEqual(['A Operatory (Surgery)', 'Operatory 1', 'Operatory 2', 'Operatory 3']);
    expect(list.body.total).toBe(4);
  });

  it('answers 404 for a location that does not exist, and writes nothing', async () => {
    expectProblem(await http.post(`${base}/locations/${MISSING}/operatories`, { name: 'Nowhere' }), 404, 'not-found');
    expectProblem(await http.get(`${base}/locations/${MISSING}/operatories`), 404, 'not-found');
    const written = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.operatoriesOf(clinic.orgId, MISSING).pk, ':prefix': keys.operatoriesOf(clinic.orgId, MISSING).skPrefix },
      }),
    );
    expect(written.Items).toEqual([]);
  });

  it('refuses an empty or unknown body with 400', async () => {
    const url = `${base}/locations/${clinic.location.uuid}/operatories`;
    expect((await http.post(url, { name: '   ' })).body.errors).toEqual([{ path: 'body.name', message: 'must not be empty' }]);
    expect((await http.post(url, { name: 'X', is_active: false })).body.errors).toEqual([{ path: 'body.is_active', message: 'is not a known field' }]);
  });

  it('renames and deactivates an operatory; the list shows it inactive', async () => {
    const { own, c, b } = await freshClinic();
    const chair = own.operatories[1]!;
    const url = `${b}/locations/${own.location.uuid}/operatories/${chair.uuid}`;
    const renamed = await patch(c, url, { name: 'Operatory 2 (Pedo)' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ uuid: chair.uuid, location_uuid: own.location.uuid, name: 'Operatory 2 (Pedo)', is_active: true });
    const off = await patch(c, url, { is_active: false });
    expect(off.body).toEqual({ ...renamed.body, is_active: false });
    const list = await c.get(`${b}/locations/${own.location.uuid}/operatories`);
    expect(list.body.items.find((o: any) => o.uuid === chair.uuid)).toEqual(off.body);
    expect(list.body.total).toBe(3);
    const on = await patch(c, url, { is_active: true });
    expect(on.body.is_active).toBe(true);
  });

  it('answers 404 for an operatory of another location, or none, and writes nothing', async () => {
    const { own, c, b } = await freshClinic();
    const other = (await c.post(`${b}/locations`, { name: 'Second Site', time_zone: 'America/Los_Angeles' })).body;
    const chair = own.operatories[0]!;
    expectProblem(await patch(c, `${b}/locations/${other.uuid}/operatories/${chair.uuid}`, { name: 'Moved?' }), 404, 'not-found');
    expectProblem(await patch(c, `${b}/locations/${own.location.uuid}/operatories/${MISSING}`, { is_active: false }), 404, 'not-found');
    expect((await c.get(`${b}/locations/${other.uuid}/operatories`)).body).toEqual({ items: [], total: 0 });
    expect((await c.get(`${b}/locations/${own.location.uuid}/operatories`)).body.items.map((o: any) => o.name)).toEqual(['Operatory 1', 'Operatory 2', 'Operatory 3']);
  });

  it('refuses an empty PATCH and unknown fields with 400', async () => {
    const url = `${base}/locations/${clinic.location.uuid}/operatories/${clinic.operatories[0]!.uuid}`;
    expect((await patch(http, url, {})).status).toBe(400);
    expect((await patch(http, url, { name: 'Moved?', location_uuid: MISSING })).body.errors).toEqual([{ path: 'body.location_uuid', message: 'is not a known field' }]);
    expect((await patch(http, url, { is_active: 'no' })).body.errors).toEqual([{ path: 'body.is_active', message: expect.any(String) }]);
  });
});

describe('providers', () => {
  it('lists providers by last name, then first name', async () => {
    const { own, c, b } = await freshClinic();
    await c.post(`${b}/providers`, { first_name: 'Zoe', last_name: 'Adams', title: 'DMD' });
    await c.post(`${b}/providers`, { first_name: 'Anna', last_name: 'Chen', title: 'RDH' });
    const res = await c.get(`${b}/providers`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { uuid: expect.any(String), first_name: 'Zoe', last_name: 'Adams', title: 'DMD', is_active: true, can_examine: true },
        { uuid: expect.any(String), first_name: 'Anna', last_name: 'Chen', title: 'RDH', is_active: true, can_examine: true },
        { uuid: own.dentist.uuid, first_name: 'Michael', last_name: 'Chen', title: 'DDS', is_active: true, can_examine: true },
        { uuid: own.hygienist.uuid, first_name: 'Sarah', last_name: 'Patel', title: 'RDH', is_active: true, can_examine: true },
      ],
      total: 4,
    });
  });

  it('creates a provider: 201, Location header, readable at once', async () => {
    const res = await http.post(`${base}/providers`, { first_name: ' Grace ', last_name: 'Hopper', title: 'DDS' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ uuid: expect.any(String), first_name: 'Grace', last_name: 'Hopper', title: 'DDS', is_active: true, can_examine: true });
    expect(res.headers.get('location')).toBe(`${base}/providers/${res.body.uuid}`);
    const read = await http.get(`${base}/providers/${res.body.uuid}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('refuses missing, oversized and unknown fields with 400', async () => {
    const missing = await http.post(`${base}/providers`, { first_name: 'A', last_name: 'B' });
    expect(missing.body.errors).toEqual([{ path: 'body.title', message: expect.any(String) }]);
    const long = await http.post(`${base}/providers`, { first_name: 'A', last_name: 'B', title: 'X'.repeat(21) });
    expect(long.body.errors).toEqual([{ path: 'body.title', message: expect.any(String) }]);
    const unknown = await http.post(`${base}/providers`, { first_name: 'A', last_name: 'B', title: 'DDS', is_active: false });
    expect(unknown.body.errors).toEqual([{ path: 'body.is_active', message: 'is not a known field' }]);
    expect((await http.get(`${base}/providers?is_active=yes`)).status).toBe(400);
    expect((await http.get(`${base}/providers?active=true`)).body.errors).toEqual([{ path: 'query.active', message: 'is not a known field' }]);
  });

  it('changes and deactivates a provider; is_active filters the list', async () => {
    const { own, c, b } = await freshClinic();
    const url = `${b}/providers/${own.hygienist.uuid}`;
    const retitled = await patch(c, url, { title: 'RDH, BSDH' });
    expect(retitled.status).toBe(200);
    expect(retitled.body).toEqual({ uuid: own.hygienist.uuid, first_name: 'Sarah', last_name: 'Patel', title: 'RDH, BSDH', is_active: true, can_examine: true });
    const off = await patch(c, url, { is_active: false });
    expect(off.body).toEqual({ ...retitled.body, is_active: false });
    expect((await c.get(url)).body).toEqual(off.body);
    const active = await c.get(`${b}/providers?is_active=true`);
    expect(active.body).toEqual({ items: [{ uuid: own.dentist.uuid, first_name: 'Michael', last_name: 'Chen', title: 'DDS', is_active: true, can_examine: true }], total: 1 });
    const inactive = await c.get(`${b}/providers?is_active=false`);
    expect(inactive.body).toEqual({ items: [off.body], total: 1 });
    expect((await c.get(`${b}/providers`)).body.total).toBe(2);
  });

  it('answers 404 for a provider that does not exist, 400 for an empty PATCH', async () => {
    expectProblem(await http.get(`${base}/providers/${MISSING}`), 404, 'not-found');
    expectProblem(await patch(http, `${base}/providers/${MISSING}`, { is_active: false }), 404, 'not-found');
    expectProblem(await patch(http, `${base}/providers/${clinic.dentist.uuid}`, {}), 400, 'invalid-request');
    expect((await patch(http, `${base}/providers/${clinic.dentist.uuid}`, { uuid: MISSING })).status).toBe(400);
  });
});

describe('appointment types', () => {
  const perio = { code: 'PERIO', name: 'Periodontal Maintenance', duration_minutes: 60, color: '#0ea5e9', requires_exam: false };

  it('creates a type: 201, Location header, exactly the shape, readable and listed', async () => {
    const { c, b } = await freshClinic();
    const res = await c.post(`${b}/appointment-types`, perio);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ uuid: expect.any(String), ...perio, is_active: true });
    expect(res.headers.get('location')).toBe(`${b}/appointment-types/${res.body.uuid}`);
    const read = await c.get(`${b}/appointment-types/${res.body.uuid}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
    const list = await c.get(`${b}/appointment-types`);
    expect(list.body.items.map((t: any) => t.code)).toEqual(['OLD', 'HYG', 'NPE', 'PERIO']);
    expect(list.body.total).toBe(4);
  });

  it('answers 409 for a code another type has (archived ones too), and writes nothing', async () => {
    const { own, c, b } = await freshClinic();
    for (const code of ['NPE', 'OLD']) {
      const res = await c.post(`${b}/appointment-types`, { ...perio, code });
      expectProblem(res, 409, 'duplicate');
      const holder = code === 'NPE' ? own.types.exam.uuid : own.types.archived.uuid;
      expect(res.body.errors).toEqual([{ path: 'body.code', message: `is already the code of appointment type ${holder}` }]);
    }
    expect((await c.get(`${b}/appointment-types`)).body.total).toBe(3);
  });

  it('gives a code to exactly one of simultaneous creates and code changes', async () => {
    const { c, b } = await freshClinic();
    const creates = await Promise.all(Array.from({ length: 6 }, (_, i) => c.post(`${b}/appointment-types`, { ...perio, name: `Race ${i}`, code: 'RACE' })));
    expect(creates.filter((r) => r.status === 201)).toHaveLength(1);
    expect(creates.every((r) => [201, 409, 503].includes(r.status))).toBe(true);
    const [x, y] = await Promise.all(['X1', 'Y1'].map(async (code) => (await c.post(`${b}/appointment-types`, { ...perio, code })).body));
    const changes = await Promise.all([x, y].map((t) => patch(c, `${b}/appointment-types/${t.uuid}`, { code: 'MOVE' })));
    expect(changes.filter((r) => r.status === 200)).toHaveLength(1);
    expect(changes.every((r) => [200, 409, 503].includes(r.status))).toBe(true);
    const codes = (await c.get(`${b}/appointment-types`)).body.items.map((t: any) => t.code);
    expect(codes.filter((code: string) => code === 'RACE')).toHaveLength(1);
    expect(codes.filter((code: string) => code === 'MOVE')).toHaveLength(1);
  });

  it('keeps codes per organisation: another clinic may use the same code', async () => {
    const { c, b } = await freshClinic();
    expect((await c.post(`${b}/appointment-types`, { ...perio, code: 'NPE2' })).status).toBe(201);
    expect((await http.post(`${base}/appointment-types`, { ...perio, code: 'NPE2' })).status).toBe(201);
  });

  it('moves the code claim on a code change: the old code is free again, the new one taken', async () => {
    const { c, b } = await freshClinic();
    const type = (await c.post(`${b}/appointment-types`, { ...perio, code: 'AAA' })).body;
    const url = `${b}/appointment-types/${type.uuid}`;
    const changed = await patch(c, url, { code: 'BBB', name: 'Perio (renamed)' });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ ...type, code: 'BBB', name: 'Perio (renamed)' });
    expect((await c.get(url)).body).toEqual(changed.body);
    const reuse = await c.post(`${b}/appointment-types`, { ...perio, code: 'AAA' });
    expect(reuse.status).toBe(201);
    expectProblem(await c.post(`${b}/appointment-types`, { ...perio, code: 'BBB' }), 409, 'duplicate');
    // Back to a taken code: 409, nothing changes.
    const taken = await patch(c, url, { code: 'AAA', name: 'Should not stick' });
    expectProblem(taken, 409, 'duplicate');
    expect(taken.body.errors).toEqual([{ path: 'body.code', message: `is already the code of appointment type ${reuse.body.uuid}` }]);
    expect((await c.get(url)).body).toEqual(changed.body);
    // Its own code again is no change of code.
    const same = await patch(c, url, { code: 'BBB', duration_minutes: 45 });
    expect(same.status).toBe(200);
    expect(same.body).toEqual({ ...changed.body, duration_minutes: 45 });
    // And the freed code of a chain of changes is reusable too.
    expect((await patch(c, url, { code: 'CCC' })).status).toBe(200);
    expect((await c.post(`${b}/appointment-types`, { ...perio, code: 'BBB' })).status).toBe(201);
  });

  it('archives a type: still readable, listed with is_active false, refused by bookings', async () => {
    const { own, c, b } = await freshClinic();
    const url = `${b}/appointment-types/${own.types.cleaning.uuid}`;
    const archived = await patch(c, url, { is_active: false });
    expect(archived.status).toBe(200);
    expect(archived.body).toEqual({ ...own.types.cleaning, is_active: false });
    expect((await c.get(url)).body).toEqual(archived.body);
    expect((await c.get(`${b}/appointment-types?is_active=false`)).body.items.map((t: any) => t.code)).toEqual(['OLD', 'HYG']);
    expect((await c.get(`${b}/appointment-types?is_active=true`)).body.items.map((t: any) => t.code)).toEqual(['NPE']);
    const booking = await c.post(`${b}/appointments`, {
      patient_uuid: own.patients.jane.uuid,
      appointment_type_uuid: own.types.cleaning.uuid,
      location_uuid: own.location.uuid,
      provider_uuid: own.hygienist.uuid,
      scheduled_start: '2030-05-20T10:00:00',
      scheduled_end: '2030-05-20T10:45:00',
    });
    expect(booking.status).toBe(422);
    expect(booking.body.errors).toContainEqual({ path: 'body.appointment_type_uuid', message: 'the appointment type is archived' });
  });

  it('refuses malformed fields, an empty PATCH and unknown fields with 400', async () => {
    const bad = await http.post(`${base}/appointment-types`, { ...perio, code: 'perio', duration_minutes: 7, color: 'blue' });
    expectProblem(bad, 400, 'invalid-request');
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['body.code', 'body.color', 'body.duration_minutes']);
    const unknown = await http.post(`${base}/appointment-types`, { ...perio, code: 'UNK', price: 10 });
    expect(unknown.body.errors).toEqual([{ path: 'body.price', message: 'is not a known field' }]);
    const url = `${base}/appointment-types/${clinic.types.exam.uuid}`;
    expect((await patch(http, url, {})).body.errors).toEqual([{ path: 'body', message: 'send at least one field to change' }]);
    expect((await patch(http, url, { code: 'TOO-LONG-CODE-X' })).status).toBe(400);
    expect((await patch(http, url, { uuid: MISSING })).status).toBe(400);
  });

  it('answers 404 for a type that does not exist, with or without a code change', async () => {
    expectProblem(await http.get(`${base}/appointment-types/${MISSING}`), 404, 'not-found');
    expectProblem(await patch(http, `${base}/appointment-types/${MISSING}`, { name: 'Ghost' }), 404, 'not-found');
    expectProblem(await patch(http, `${base}/appointment-types/${MISSING}`, { code: 'GHOST' }), 404, 'not-found');
    // The failed change claimed nothing.
    expect((await http.post(`${base}/appointment-types`, { ...perio, code: 'GHOST' })).status).toBe(201);
  });
});

describe('settings', () => {
  it('reads the settings', async () => {
    const res = await http.get(`${base}/settings`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: clinic.org.name, slot_granularity_minutes: 15, booking_horizon_days: 730, lock_granule_minutes: 15 });
  });

  it('changes name and horizon, only those sent', async () => {
    const { c, b } = await freshClinic();
    const res = await patch(c, `${b}/settings`, { name: 'Renamed Group', booking_horizon_days: 90 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'Renamed Group', slot_granularity_minutes: 15, booking_horizon_days: 90, lock_granule_minutes: 15 });
    expect((await c.get(`${b}/settings`)).body).toEqual(res.body);
  });

  it('refuses a granularity that is not a multiple of the lock unit (422), and changes nothing', async () => {
    const { c, b } = await freshClinic({ granularity: 15 });
    for (const slot_granularity_minutes of [5, 10]) {
      const res = await patch(c, `${b}/settings`, { slot_granularity_minutes, name: 'Should not stick' });
      expectProblem(res, 422, 'unprocessable');
      expect(res.body.errors).toEqual([{ path: 'body.slot_granularity_minutes', message: expect.stringContaining('slot locks were fixed at 15 minutes') }]);
      expect(res.body.errors[0].message).toMatch(/double bookings/);
    }
    expect((await c.get(`${b}/settings`)).body).toMatchObject({ slot_granularity_minutes: 15, lock_granule_minutes: 15 });
    expect((await patch(c, `${b}/settings`, { slot_granularity_minutes: 15 })).status).toBe(200);
  });

  it('allows any multiple of the lock unit, and back', async () => {
    const { own, c, b } = await freshClinic({ granularity: 5 });
    const coarser = await patch(c, `${b}/settings`, { slot_granularity_minutes: 15 });
    expect(coarser.status).toBe(200);
    expect(coarser.body).toEqual({ name: own.org.name, slot_granularity_minutes: 15, booking_horizon_days: 730, lock_granule_minutes: 5 });
    expect((await patch(c, `${b}/settings`, { slot_granularity_minutes: 10 })).body.slot_granularity_minutes).toBe(10);
    expect((await patch(c, `${b}/settings`, { slot_granularity_minutes: 5 })).body).toMatchObject({ slot_granularity_minutes: 5, lock_granule_minutes: 5 });
  });

  it('falls back to the granularity for organisations created before the lock unit was stored, and pins it on change', async () => {
    const { c, b, own } = await freshClinic({ granularity: 5 });
    await db.send(new UpdateCommand({ TableName: tableName, Key: keys.org(own.orgId), UpdateExpression: 'REMOVE lock_granule_minutes' }));
    expect((await c.get(`${b}/settings`)).body).toMatchObject({ slot_granularity_minutes: 5, lock_granule_minutes: 5 });
    expect((await patch(c, `${b}/settings`, { slot_granularity_minutes: 15 })).body).toMatchObject({ slot_granularity_minutes: 15, lock_granule_minutes: 5 });
    // The unit stayed 5, so going back to 5 is still allowed.
    expect((await patch(c, `${b}/settings`, { slot_granularity_minutes: 5 })).status).toBe(200);
  });

  it('refuses values outside the schema, an empty PATCH and unknown fields with 400', async () => {
    const url = `${base}/settings`;
    expect((await patch(http, url, { slot_granularity_minutes: 7 })).body.errors).toEqual([{ path: 'body.slot_granularity_minutes', message: expect.any(String) }]);
    expect((await patch(http, url, { booking_horizon_days: 0 })).body.errors).toEqual([{ path: 'body.booking_horizon_days', message: expect.any(String) }]);
    expect((await patch(http, url, { name: '' })).status).toBe(400);
    expect((await patch(http, url, {})).body.errors).toEqual([{ path: 'body', message: 'send at least one field to change' }]);
    expect((await patch(http, url, { name: 'X', lock_granule_minutes: 5 })).body.errors).toEqual([{ path: 'body.lock_granule_minutes', message: 'is not a known field' }]);
    expect((await http.get(url)).body).toMatchObject({ slot_granularity_minutes: 15, booking_horizon_days: 730 });
  });
});

describe('scopes', () => {
  it('needs the admin scope for every change; read suffices to read', async () => {
    const loc = `${base}/locations/${clinic.location.uuid}`;
    const writes: [string, string, unknown][] = [
      ['POST', `${base}/locations`, { name: 'X', time_zone: 'Europe/Paris' }],
      ['PATCH', loc, { name: 'X' }],
      ['POST', `${loc}/operatories`, { name: 'X' }],
      ['PATCH', `${loc}/operatories/${clinic.operatories[0]!.uuid}`, { name: 'X' }],
      ['POST', `${base}/providers`, { first_name: 'X', last_name: 'Y', title: 'DDS' }],
      ['PATCH', `${base}/providers/${clinic.dentist.uuid}`, { title: 'X' }],
      ['POST', `${base}/appointment-types`, { code: 'SCOPE', name: 'X', duration_minutes: 30, color: '#000000', requires_exam: false }],
      ['PATCH', `${base}/appointment-types/${clinic.types.exam.uuid}`, { name: 'X' }],
      ['PATCH', `${base}/settings`, { name: 'X' }],
    ];
    for (const scopes of [['read'], ['read', 'write']] as const) {
      const token = await tokenFor(clinic.orgId, scopes);
      for (const [method, url, body] of writes) {
        const res = await http.call(method, url, { token, body });
        expectProblem(res, 403, 'forbidden');
      }
    }
    const readOnly = await tokenFor(clinic.orgId, ['read']);
    const reads = [
      `${base}/locations`,
      loc,
      `${loc}/operatories`,
      `${base}/providers`,
      `${base}/providers/${clinic.dentist.uuid}`,
      `${base}/appointment-types/${clinic.types.exam.uuid}`,
      `${base}/settings`,
    ];
    for (const url of reads) expect((await http.get(url, { token: readOnly })).status, url).toBe(200);
    // A token that may change the setup may read it too — but not patients or appointments.
    const adminOnly = await tokenFor(clinic.orgId, ['admin']);
    for (const url of [...reads, `${base}/providers/${clinic.dentist.uuid}/working-hours`]) expect((await http.get(url, { token: adminOnly })).status, url).toBe(200);
    expectProblem(await http.get(`${base}/patients/${clinic.patients.jane.uuid}`, { token: adminOnly }), 403, 'forbidden');
    // Nothing was changed by the refused writes.
    expect((await http.get(loc)).body.name).toBe('Main Street Dental');
    expect((await http.get(`${base}/settings`)).body.name).toBe(clinic.org.name);
  });
});

describe('tenant isolation', () => {
  it("cannot read or change another organisation's setup by naming its uuids on its own path", async () => {
    const { own: other, c, b } = await freshClinic();
    const loc = `${b}/locations/${clinic.location.uuid}`;
    expectProblem(await c.get(loc), 404, 'not-found');
    expectProblem(await patch(c, loc, { name: 'Hijacked' }), 404, 'not-found');
    expectProblem(await c.get(`${loc}/operatories`), 404, 'not-found');
    expectProblem(await c.post(`${loc}/operatories`, { name: 'Sneaky chair' }), 404, 'not-found');
    expectProblem(await patch(c, `${loc}/operatories/${clinic.operatories[0]!.uuid}`, { is_active: false }), 404, 'not-found');
    expectProblem(await c.get(`${b}/providers/${clinic.dentist.uuid}`), 404, 'not-found');
    expectProblem(await patch(c, `${b}/providers/${clinic.dentist.uuid}`, { is_active: false }), 404, 'not-found');
    expectProblem(await c.get(`${b}/appointment-types/${clinic.types.exam.uuid}`), 404, 'not-found');
    expectProblem(await patch(c, `${b}/appointment-types/${clinic.types.exam.uuid}`, { code: 'MINE' }), 404, 'not-found');
    // Its own lists hold only its own setup; the first organisation's is untouched.
    expect((await c.get(`${b}/locations`)).body.items.map((l: any) => l.uuid)).toEqual([other.location.uuid]);
    expect((await http.get(`${base}/locations/${clinic.location.uuid}`)).body.name).toBe('Main Street Dental');
    expect((await http.get(`${base}/providers/${clinic.dentist.uuid}`)).body.is_active).toBe(true);
    expect((await http.get(`${base}/locations/${clinic.location.uuid}/operatories`)).body.items.every((o: any) => o.is_active)).toBe(true);
  });

  it("answers 403 for another organisation's path", async () => {
    const { c } = await freshClinic();
    expectProblem(await c.get(`${base}/locations`), 403, 'forbidden');
    expectProblem(await c.get(`${base}/settings`), 403, 'forbidden');
    expectProblem(await patch(c, `${base}/settings`, { name: 'Hijacked' }), 403, 'forbidden');
  });
});
