/**
 * Patient records beyond create and read: PATCH with ETag / If-Match, archive and restore, search by
 * phone, email and date of birth, and possible duplicates (409 `possible-duplicate`, the race of
 * identical creates, allow_duplicate), with their audit entries.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { tokenFor, type TestClinic } from '../helpers/clinic.ts';
import { useClinic, type Client } from '../helpers/use-clinic.ts';

const fixture = useClinic();
let clinic: TestClinic;
let http: Client;
let base: string;

beforeAll(() => ({ clinic, http, base } = fixture));

const DUPLICATE = 'urn:problem-type:dental-booking:possible-duplicate';
const ids = (body: any) => body.items.map((p: any) => p.uuid);
const patch = (id: string, body: unknown, headers: Record<string, string> = {}) => http.call('PATCH', `${base}/patients/${id}`, { body, headers });
const trail = async (id: string) => (await http.get(`${base}/audit?entity_uuid=${id}`)).body.items.map((e: any) => e.action);

let days = 0;
const futureDay = () => DateTime.now().setZone('America/Los_Angeles').plus({ days: 30 + ++days }).toISODate()!;
const booking = (patientId: string, day: string) => ({
  patient_uuid: patientId,
  appointment_type_uuid: clinic.types.cleaning.uuid,
  location_uuid: clinic.location.uuid,
  provider_uuid: clinic.hygienist.uuid,
  scheduled_start: `${day}T10:00:00`,
  scheduled_end: `${day}T10:45:00`,
});

async function create(body: Record<string, unknown>) {
  const res = await http.post(`${base}/patients`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('search by phone, email and date of birth', () => {
  let hana: any;
  let sibling: any;
  beforeAll(async () => {
    hana = await create({ first_name: 'Hana', last_name: 'Okafor', date_of_birth: '1991-03-04', primary_phone: '+1-415-555-0177', email: 'Hana.Okafor@Example.com' });
    // Same phone and email (a family), born another day: not a duplicate.
    sibling = await create({ first_name: 'Obi', last_name: 'Okafor', date_of_birth: '1993-07-08', primary_phone: '(415) 555-0177', email: 'hana.okafor@example.com' });
  });

  it('matches the digits of a phone whatever the formatting (a leading 1 of 11 digits dropped)', async () => {
    for (const phone of ['+1-415-555-0177', '(415) 555-0177', '4155550177', '1 415 555 0177', '415.555.0177']) {
      const res = await http.get(`${base}/patients?phone=${encodeURIComponent(phone)}`);
      expect(res.status, phone).toBe(200);
      expect(ids(res.body).sort(), phone).toEqual([hana.uuid, sibling.uuid].sort());
    }
    expect((await http.get(`${base}/patients?phone=${encodeURIComponent('+1-415-555-0178')}`)).body.total).toBe(0);
  });

  it('matches an email exactly, ignoring case', async () => {
    expect(ids((await http.get(`${base}/patients?email=HANA.OKAFOR%40example.COM`)).body).sort()).toEqual([hana.uuid, sibling.uuid].sort());
    expect((await http.get(`${base}/patients?email=hana%40example.com`)).body.total).toBe(0);
    expect((await http.get(`${base}/patients?email=okafor%40example.com`)).body.total).toBe(0);
  });

  it('matches a date of birth exactly, and every criterion given must match', async () => {
    expect(ids((await http.get(`${base}/patients?date_of_birth=1991-03-04`)).body)).toEqual([hana.uuid]);
    expect(ids((await http.get(`${base}/patients?phone=4155550177&date_of_birth=1993-07-08`)).body)).toEqual([sibling.uuid]);
    expect(ids((await http.get(`${base}/patients?query=han&phone=4155550177`)).body)).toEqual([hana.uuid]);
    const second = await http.get(`${base}/patients?query=okafor&email=hana.okafor%40example.com&page_size=1&page=2`);
    expect([ids(second.body), second.body.total]).toEqual([[sibling.uuid], 2]);
    expect((await http.get(`${base}/patients?query=jane&phone=4155550177`)).body.total).toBe(0);
    expect((await http.get(`${base}/patients?date_of_birth=1991-03-04&email=obi%40example.com`)).body.total).toBe(0);
  });

  it('refuses malformed criteria with a 400 naming each', async () => {
    const res = await http.get(`${base}/patients?phone=abc&email=not-an-email&date_of_birth=1991-02-30`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.path).sort()).toEqual(['query.date_of_birth', 'query.email', 'query.phone']);
  });
});

describe('PATCH /patients/{uuid}', () => {
  it('changes any field; GET and PATCH answer an ETag; the search follows the new name and phone at once', async () => {
    const p = await create({ first_name: 'Ruth', last_name: 'Mendel', date_of_birth: '1960-01-02', primary_phone: '+1-415-555-0190', email: 'ruth@example.org' });
    const read = await http.get(`${base}/patients/${p.uuid}`);
    expect(read.headers.get('etag')).toBe('"1"');
    const changed = await patch(p.uuid, { last_name: 'Mendelsohn', primary_phone: '+1 (415) 555-0191', email: null, preferred_provider_uuid: clinic.dentist.uuid });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    expect(changed.body).toEqual({ ...p, last_name: 'Mendelsohn', primary_phone: '+1 (415) 555-0191', email: null, preferred_provider_uuid: clinic.dentist.uuid });
    expect((await http.get(`${base}/patients/${p.uuid}`)).body).toEqual(changed.body);
    expect(ids((await http.get(`${base}/patients?query=mendelsohn`)).body)).toEqual([p.uuid]);
    expect(ids((await http.get(`${base}/patients?query=ruth%20mendel`)).body)).toEqual([p.uuid]);
    expect((await http.get(`${base}/patients?phone=4155550190`)).body.total).toBe(0);
    expect(ids((await http.get(`${base}/patients?phone=4155550191`)).body)).toEqual([p.uuid]);
    expect((await http.get(`${base}/patients?email=ruth%40example.org`)).body.total).toBe(0);
    const dob = await patch(p.uuid, { date_of_birth: '1960-01-03' });
    expect(dob.status).toBe(200);
    expect((await http.get(`${base}/patients?date_of_birth=1960-01-02`)).body.total).toBe(0);
    expect(ids((await http.get(`${base}/patients?date_of_birth=1960-01-03`)).body)).toEqual([p.uuid]);
    // Each change is audited as patient.update (newest first), after the create.
    expect((await trail(p.uuid)).filter((a: string) => a !== 'patient.read')).toEqual(['patient.update', 'patient.update', 'patient.create']);
  });

  it('honours If-Match: a stale version is a 412 and changes nothing; the current one or * applies', async () => {
    const p = await create({ first_name: 'Ivo', last_name: 'Stale', date_of_birth: '1970-05-05' });
    expect((await patch(p.uuid, { first_name: 'Iva' }, { 'if-match': '"1"' })).status).toBe(200);
    const stale = await patch(p.uuid, { first_name: 'Ivan' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body.type).toBe('urn:problem-type:dental-booking:precondition-failed');
    expect((await http.get(`${base}/patients/${p.uuid}`)).body.first_name).toBe('Iva');
    const current = await patch(p.uuid, { first_name: 'Ivan' }, { 'if-match': 'W/"9", "2"' });
    expect([current.status, current.headers.get('etag')]).toEqual([200, '"3"']);
    expect((await patch(p.uuid, { first_name: 'Ivo' }, { 'if-match': '*' })).status).toBe(200);
    expect((await patch(p.uuid, { first_name: 'Ivo' }, { 'if-match': 'nonsense' })).status).toBe(400);
  });

  it('serialises concurrent changes without If-Match: every one applies, versions count them', async () => {
    const p = await create({ first_name: 'Conc', last_name: 'Urrent', date_of_birth: '1971-06-06' });
    const results = await Promise.all(['+1 415 555 0101', '+1 415 555 0102'].map((primary_phone) => patch(p.uuid, { primary_phone })));
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const read = await http.get(`${base}/patients/${p.uuid}`);
    expect(read.headers.get('etag')).toBe('"3"');
    // The search items are those of the last write: exactly one phone finds the patient.
    const found = await Promise.all(['4155550101', '4155550102'].map(async (phone) => (await http.get(`${base}/patients?phone=${phone}`)).body.total));
    expect(found.sort()).toEqual([0, 1]);
    expect(ids((await http.get(`${base}/patients?phone=${encodeURIComponent(read.body.primary_phone)}`)).body)).toEqual([p.uuid]);
  });

  it('answers 404 for an unknown patient, 400 for an empty or unknown body, 422 for an unknown provider, 403 without write', async () => {
    expect((await patch('00000000-0000-4000-8000-000000000000', { first_name: 'X' })).status).toBe(404);
    const empty = await patch(clinic.patients.jonathan.uuid, {});
    expect(empty.status).toBe(400);
    expect((await patch(clinic.patients.jonathan.uuid, { uuid: 'x' })).status).toBe(400);
    expect((await patch(clinic.patients.jonathan.uuid, { first_name: '' })).status).toBe(400);
    const ghost = await patch(clinic.patients.jonathan.uuid, { preferred_provider_uuid: '00000000-0000-4000-8000-000000000000' });
    expect(ghost.status).toBe(422);
    expect(ghost.body.errors).toEqual([{ path: 'body.preferred_provider_uuid', message: expect.any(String) }]);
    const readOnly = await tokenFor(clinic.orgId, ['read']);
    expect((await http.call('PATCH', `${base}/patients/${clinic.patients.jonathan.uuid}`, { body: { first_name: 'No' }, token: readOnly })).status).toBe(403);
    expect((await http.get(`${base}/patients/${clinic.patients.jonathan.uuid}`)).body).toMatchObject({ first_name: 'Jonathan', preferred_provider_uuid: null });
  });
});

describe('archive and restore', () => {
  it('archives: out of search unless include_archived, not bookable (422), appointments still readable and changeable; restore undoes it', async () => {
    const p = await create({ first_name: 'Arno', last_name: 'Archer', date_of_birth: '1955-09-09', primary_phone: '+1-415-555-0166' });
    const day = futureDay();
    const booked = await http.post(`${base}/appointments`, booking(p.uuid, day));
    expect(booked.status).toBe(201);

    const archived = await patch(p.uuid, { is_active: false });
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ is_active: false, archived_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    expect((await http.get(`${base}/patients?query=archer`)).body.total).toBe(0);
    expect((await http.get(`${base}/patients?phone=4155550166`)).body.total).toBe(0);
    expect(ids((await http.get(`${base}/patients?query=archer&include_archived=true`)).body)).toEqual([p.uuid]);
    expect(ids((await http.get(`${base}/patients?phone=4155550166&include_archived=true`)).body)).toEqual([p.uuid]);
    // Archiving twice keeps the first date.
    expect((await patch(p.uuid, { is_active: false })).body.archived_at).toBe(archived.body.archived_at);

    expect((await http.get(`${base}/patients/${p.uuid}`)).body).toMatchObject({ is_active: false });
    expect(ids((await http.get(`${base}/patients/${p.uuid}/appointments`)).body)).toEqual([booked.body.uuid]);
    expect((await http.get(`${base}/appointments/${booked.body.uuid}`)).status).toBe(200);

    const refused = await http.post(`${base}/appointments`, booking(p.uuid, futureDay()));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ path: 'body.patient_uuid', message: 'the patient is archived' }]);

    // Its existing appointment can still be moved and confirmed.
    const later = futureDay();
    const moved = await http.call('PATCH', `${base}/appointments/${booked.body.uuid}`, { body: { scheduled_start: `${later}T11:00:00`, scheduled_end: `${later}T11:45:00` } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect((await http.call('PATCH', `${base}/appointments/${booked.body.uuid}/status`, { body: { status: 'confirmed' } })).status).toBe(200);

    const restored = await patch(p.uuid, { is_active: true });
    expect(restored.body).toMatchObject({ is_active: true, archived_at: null });
    expect(ids((await http.get(`${base}/patients?query=archer`)).body)).toEqual([p.uuid]);
    expect((await http.get(`${base}/patients?query=archer&include_archived=true`)).body.total).toBe(1);
    expect((await http.post(`${base}/appointments`, booking(p.uuid, futureDay()))).status).toBe(201);
    expect((await trail(p.uuid)).filter((a: string) => a === 'patient.update')).toHaveLength(3);
  });

  it('refuses a booking whose patient is archived after the booking read it: the check is inside the transaction', async () => {
    const p = await create({ first_name: 'Late', last_name: 'Archive', date_of_birth: '1966-06-16' });
    let archivedBetween = false;
    // Archive the patient item directly, after the booking's read and just before its transaction.
    db.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && !archivedBetween) {
          archivedBetween = true;
          await db.send(new UpdateCommand({ TableName: tableName, Key: keys.patient(clinic.orgId, p.uuid), UpdateExpression: 'SET archived_at = :at', ExpressionAttributeValues: { ':at': new Date().toISOString() } }));
        }
        return next(args);
      },
      { step: 'initialize', name: 'archive-between-read-and-write', override: true },
    );
    try {
      const res = await http.post(`${base}/appointments`, booking(p.uuid, futureDay()));
      expect(archivedBetween).toBe(true);
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.errors).toEqual([{ path: 'body.patient_uuid', message: 'the patient is archived' }]);
    } finally {
      db.middlewareStack.remove('archive-between-read-and-write');
    }
    expect((await http.get(`${base}/patients/${p.uuid}/appointments`)).body.total).toBe(0);
  });
});

describe('possible duplicates', () => {
  const jane = () => clinic.patients.jane;

  function expectDuplicateOf(res: { status: number; body: any }, existing: string, sent: string[]) {
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body).toMatchObject({ type: DUPLICATE, status: 409, existing_patient_uuid: existing });
    for (const value of sent) expect(JSON.stringify(res.body)).not.toContain(value);
  }

  it('same date of birth and name (case and accents ignored), phone or email: 409 naming the existing patient, echoing nothing', async () => {
    const cases = [
      { first_name: 'JANE', last_name: 'smith', date_of_birth: '1986-04-12' },
      { first_name: 'Jané', last_name: 'SMITH', date_of_birth: '1986-04-12' },
      { first_name: 'Janet', last_name: 'Smithers', date_of_birth: '1986-04-12', primary_phone: '(415) 555-0148' },
      { first_name: 'Janet', last_name: 'Smithers', date_of_birth: '1986-04-12', email: 'JANE.SMITH@example.com' },
    ];
    for (const body of cases) {
      const res = await http.post(`${base}/patients`, body);
      expectDuplicateOf(res, jane().uuid, Object.values(body));
    }
    expect((await http.get(`${base}/patients?date_of_birth=1986-04-12`)).body.total).toBe(1);
  });

  it('a family member sharing phone and email but born another day is not a duplicate; allow_duplicate creates anyway', async () => {
    await create({ first_name: 'Jill', last_name: 'Smith', date_of_birth: '2015-02-02', primary_phone: '+1-415-555-0148', email: 'jane.smith@example.com' });
    const twin = await create({ first_name: 'Jane', last_name: 'Smith', date_of_birth: '1986-04-12', allow_duplicate: true });
    expect(twin.uuid).not.toBe(jane().uuid);
    // The record found first stays the one a later create is pointed at.
    expectDuplicateOf(await http.post(`${base}/patients`, { first_name: 'Jane', last_name: 'Smith', date_of_birth: '1986-04-12' }), jane().uuid, []);
  });

  it('an archived patient still counts (restore it rather than open a second record)', async () => {
    const p = await create({ first_name: 'Greta', last_name: 'Gone', date_of_birth: '1949-12-12' });
    expect((await patch(p.uuid, { is_active: false })).status).toBe(200);
    expectDuplicateOf(await http.post(`${base}/patients`, { first_name: 'Greta', last_name: 'Gone', date_of_birth: '1949-12-12' }), p.uuid, ['Greta']);
  });

  it('PATCH moves the markers: the old identity is free again, a new one that is taken is a 409 unless allow_duplicate', async () => {
    const p = await create({ first_name: 'Paul', last_name: 'Moved', date_of_birth: '1980-08-08', email: 'paul@example.org' });
    const q = await create({ first_name: 'Quinn', last_name: 'Other', date_of_birth: '1980-08-08' });
    expect((await patch(p.uuid, { last_name: 'Renamed', email: 'paul.renamed@example.org' })).status).toBe(200);
    // The old name and email are free again; the new ones are held.
    await create({ first_name: 'Paul', last_name: 'Moved', date_of_birth: '1980-08-08', email: 'paul@example.org' });
    expectDuplicateOf(await http.post(`${base}/patients`, { first_name: 'Pat', last_name: 'X', date_of_birth: '1980-08-08', email: 'Paul.Renamed@example.org' }), p.uuid, ['Paul.Renamed']);
    // Renaming Quinn to Paul Renamed (same birthday) is a possible duplicate of p; allowed, it holds no name marker.
    const clash = await patch(q.uuid, { first_name: 'Paul', last_name: 'Renamed' });
    expectDuplicateOf(clash, p.uuid, ['Paul', 'Renamed']);
    expect((await http.get(`${base}/patients/${q.uuid}`)).body.first_name).toBe('Quinn');
    expect((await patch(q.uuid, { first_name: 'Paul', last_name: 'Renamed', allow_duplicate: true })).status).toBe(200);
    // An edit that leaves the identity alone never checks it.
    expect((await patch(q.uuid, { preferred_provider_uuid: clinic.dentist.uuid })).status).toBe(200);
  });

  it('of 10 identical creates sent at once exactly one is created; the others are 409s naming it', async () => {
    const body = { first_name: 'Racing', last_name: 'Twin', date_of_birth: '1999-09-19', primary_phone: '+1-415-555-0111' };
    const results = await Promise.all(Array.from({ length: 10 }, () => http.post(`${base}/patients`, body)));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    const winner = created[0]!.body.uuid;
    for (const r of results.filter((x) => x.status !== 201)) expectDuplicateOf(r, winner, ['Racing', 'Twin', '555-0111']);
    expect(ids((await http.get(`${base}/patients?query=racing%20twin`)).body)).toEqual([winner]);
  });

  it('an Idempotency-Key replay of the first create answers the first answer, not a 409; a first 409 is repeated', async () => {
    const body = { first_name: 'Ida', last_name: 'Empotent', date_of_birth: '1977-07-17' };
    const headers = { 'idempotency-key': `dup-${Date.now()}` };
    const first = await http.post(`${base}/patients`, body, { headers });
    expect(first.status).toBe(201);
    const replay = await http.post(`${base}/patients`, body, { headers });
    expect([replay.status, replay.body.uuid]).toEqual([201, first.body.uuid]);
    const other = { 'idempotency-key': `dup2-${Date.now()}` };
    expectDuplicateOf(await http.post(`${base}/patients`, body, { headers: other }), first.body.uuid, ['Empotent']);
    expectDuplicateOf(await http.post(`${base}/patients`, body, { headers: other }), first.body.uuid, ['Empotent']);
  });
});
