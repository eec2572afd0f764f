/**
 * Exams (issue 13): providers' `can_examine`, and types with `requires_exam` booked, moved, changed
 * and offered only with providers who can examine — held inside the transactions, under races.
 * Also the loose ends found with it: `Location` on every 201, and 409 for every disallowed status
 * change (back to `scheduled` included).
 */
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DateTime } from 'luxon';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FinalizeHandler, FinalizeHandlerArguments, HandlerExecutionContext, MetadataBearer } from '@smithy/types';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { countStages } from '#shared/db/stage-counter.ts';
import { updateProviderFields } from '#shared/db/repositories/providers.ts';
import { updateAppointmentTypeFields } from '#shared/db/repositories/appointment-types.ts';
import { bookAppointment } from '#shared/domain/appointments.ts';
import { updateAppointment } from '#shared/domain/appointment-changes.ts';
import { createAppointmentType } from '#shared/domain/appointment-types.ts';
import { createProvider } from '#shared/domain/providers.ts';
import { ApiError } from '#shared/errors.ts';
import { DEMO, loadDemoClinic } from '../../infra/local/demo-clinic.ts';
import { worksAroundTheClock, type TestClinic } from '../helpers/clinic.ts';
import { useClinic, type Client } from '../helpers/use-clinic.ts';
import { providerLocks } from '../helpers/table.ts';

const LA = 'America/Los_Angeles';
const fixture = useClinic();
let clinic: TestClinic;
let http: Client;
let base: string;
let dayCounter = 0;
const futureDay = () => DateTime.now().setZone(LA).plus({ days: 30 + dayCounter++ }).toISODate()!;
const actor = { tokenId: 'exams-test', requestId: 'exams-test' };
const NOT_AN_EXAMINER = { path: 'body.provider_uuid', message: 'the provider cannot examine and the appointment type requires an exam' };

/** The hygienist of this file's clinic cannot examine (the test clinic's providers start able to). */
beforeAll(async () => {
  ({ clinic, http, base } = fixture);
  const off = await http.call('PATCH', `${base}/providers/${clinic.hygienist.uuid}`, { body: { can_examine: false } });
  expect(off.status, JSON.stringify(off.body)).toBe(200);
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

function expectNotAnExaminer(res: { status: number; headers: Headers; body: any }) {
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body.errors).toEqual([NOT_AN_EXAMINER]);
}

/** A provider of its own (hours around the clock at the clinic's location), able to examine or not. */
async function newProvider(name: string, canExamine: boolean) {
  const provider = await createProvider(clinic.orgId, { first_name: name, last_name: 'Exam', title: 'DDS', can_examine: canExamine });
  await worksAroundTheClock(clinic.orgId, provider.uuid, clinic.location.uuid);
  return provider;
}

const providerItem = async (providerId: string) =>
  (await db.send(new GetCommand({ TableName: tableName, Key: keys.provider(clinic.orgId, providerId), ConsistentRead: true }))).Item!;

/**
 * Runs `between` once, just before the first TransactWriteItems whose request names `marker` is sent:
 * the write then commits (or not) under a change made after everything it relies on was read.
 */
function beforeFirstWrite(marker: string, between: () => Promise<unknown>) {
  const name = `exams-interleave-${marker}`;
  let done = false;
  db.middlewareStack.add(
    (next: FinalizeHandler<object, MetadataBearer>, context: HandlerExecutionContext) => async (args: FinalizeHandlerArguments<object>) => {
      const request = args.request as { body?: unknown };
      if (!done && context.commandName === 'TransactWriteItemsCommand' && String(request.body).includes(marker)) {
        done = true;
        await between();
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name, override: true },
  );
  onTestFinished(() => void db.middlewareStack.remove(name));
  return { ran: () => done };
}

describe('providers: can_examine', () => {
  it('defaults to true on create, can be set and changed, and is in every provider object', async () => {
    const created = await http.post(`${base}/providers`, { first_name: 'Ida', last_name: 'Exam', title: 'DMD' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ uuid: expect.any(String), first_name: 'Ida', last_name: 'Exam', title: 'DMD', is_active: true, can_examine: true });
    const hygienist = await http.post(`${base}/providers`, { first_name: 'Hal', last_name: 'Exam', title: 'RDH', can_examine: false });
    expect(hygienist.body).toMatchObject({ is_active: true, can_examine: false });
    const url = `${base}/providers/${hygienist.body.uuid}`;
    expect((await http.get(url)).body).toEqual(hygienist.body);
    const changed = await http.call('PATCH', url, { body: { can_examine: true } });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ ...hygienist.body, can_examine: true });
    // With is_active in the same PATCH (the guarded path).
    const both = await http.call('PATCH', url, { body: { can_examine: false, is_active: false } });
    expect(both.body).toEqual({ ...hygienist.body, can_examine: false, is_active: false });
    expect((await http.get(url)).body).toEqual(both.body);
    const listed = (await http.get(`${base}/providers`)).body.items;
    expect(listed.find((p: { uuid: string }) => p.uuid === clinic.hygienist.uuid)).toMatchObject({ can_examine: false });
    expect(listed.every((p: { can_examine: unknown }) => typeof p.can_examine === 'boolean')).toBe(true);
  });

  it('refuses a can_examine that is not a boolean with 400', async () => {
    const res = await http.post(`${base}/providers`, { first_name: 'A', last_name: 'B', title: 'DDS', can_examine: 'yes' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body.can_examine', message: expect.any(String) }]);
    const patch = await http.call('PATCH', `${base}/providers/${clinic.dentist.uuid}`, { body: { can_examine: null } });
    expect(patch.status).toBe(400);
  });

  it('reads a provider item written before the attribute existed as able to examine, and books exams with it', async () => {
    const legacy = await newProvider('Legacy', false);
    await db.send(new UpdateCommand({ TableName: tableName, Key: keys.provider(clinic.orgId, legacy.uuid), UpdateExpression: 'REMOVE can_examine' }));
    expect(await providerItem(legacy.uuid)).not.toHaveProperty('can_examine');
    expect((await http.get(`${base}/providers/${legacy.uuid}`)).body).toMatchObject({ uuid: legacy.uuid, can_examine: true });
    await book(futureDay(), '09:00', '10:00', { provider_uuid: legacy.uuid });
  });

  it('a can_examine change raises the provider’s schedule version (what bookings’ guards condition on)', async () => {
    const provider = await newProvider('Versioned', true);
    const before = ((await providerItem(provider.uuid)).schedule_version as number | undefined) ?? 0;
    await http.call('PATCH', `${base}/providers/${provider.uuid}`, { body: { can_examine: false } });
    expect((await providerItem(provider.uuid)).schedule_version).toBe(before + 1);
    await http.call('PATCH', `${base}/providers/${provider.uuid}`, { body: { title: 'DMD' } });
    expect((await providerItem(provider.uuid)).schedule_version).toBe(before + 1);
  });

  it('the demo clinic: Dr. Chen DDS can examine, Sarah Patel RDH cannot', async () => {
    await loadDemoClinic();
    const item = async (id: string) => (await db.send(new GetCommand({ TableName: tableName, Key: keys.provider(DEMO.orgId, id), ConsistentRead: true }))).Item!;
    expect(await item(DEMO.drChen.uuid)).toMatchObject({ last_name: 'Chen', title: 'DDS', can_examine: true });
    expect(await item(DEMO.hygienist.uuid)).toMatchObject({ last_name: 'Patel', title: 'RDH', can_examine: false });
  });
});

describe('booking a type that requires an exam', () => {
  it('refuses a provider who cannot examine with 422 naming body.provider_uuid, writing nothing', async () => {
    const day = futureDay();
    const locksBefore = (await providerLocks(clinic.orgId, clinic.hygienist.uuid)).length;
    expectNotAnExaminer(await http.post(`${base}/appointments`, body(day, '09:00', '10:00', { provider_uuid: clinic.hygienist.uuid })));
    expect(await providerLocks(clinic.orgId, clinic.hygienist.uuid)).toHaveLength(locksBefore);
    // Auto-assigned chair, the same answer.
    expectNotAnExaminer(await http.post(`${base}/appointments`, body(day, '09:00', '10:00', { provider_uuid: clinic.hygienist.uuid, operatory_uuid: undefined })));
  });

  it('books it with a provider who can examine, and other types with anyone', async () => {
    const day = futureDay();
    await book(day, '09:00', '10:00');
    await book(day, '10:00', '10:45', { provider_uuid: clinic.hygienist.uuid, appointment_type_uuid: clinic.types.cleaning.uuid, operatory_uuid: clinic.operatories[1]!.uuid });
  });

  it('an Idempotency-Key replays the 422', async () => {
    const day = futureDay();
    const request = () => http.post(`${base}/appointments`, body(day, '11:00', '12:00', { provider_uuid: clinic.hygienist.uuid }), { headers: { 'idempotency-key': `exam-${day}` } });
    expectNotAnExaminer(await request());
    expectNotAnExaminer(await request());
  });

  it('costs no extra round trip: 2 stages with the chair given, for an examiner and for a pinned type', async () => {
    const counter = countStages(db);
    onTestFinished(() => counter.remove());
    const day = futureDay();
    const exam = await counter.measure(() => http.post(`${base}/appointments`, body(day, '13:00', '14:00')));
    expect(exam.result.status).toBe(201);
    expect(exam.count.stages).toBeLessThanOrEqual(2);
    const cleaning = await counter.measure(() =>
      http.post(`${base}/appointments`, body(day, '13:00', '13:45', { provider_uuid: clinic.hygienist.uuid, appointment_type_uuid: clinic.types.cleaning.uuid, operatory_uuid: clinic.operatories[1]!.uuid })),
    );
    expect(cleaning.result.status).toBe(201);
    expect(cleaning.count.stages).toBeLessThanOrEqual(2);
  });
});

describe('moves and type changes of existing appointments', () => {
  it('refuses moving an exam to a provider who cannot examine (422), and changes nothing', async () => {
    const day = futureDay();
    const appt = await book(day, '09:00', '10:00');
    const url = `${base}/appointments/${appt.uuid}`;
    expectNotAnExaminer(await http.call('PATCH', url, { body: { provider_uuid: clinic.hygienist.uuid } }));
    const read = await http.get(url);
    expect(read.body.provider.uuid).toBe(clinic.dentist.uuid);
    expect(read.headers.get('etag')).toBe('"1"');
    expect((await providerLocks(clinic.orgId, clinic.hygienist.uuid)).filter((l) => l.appointment_uuid === appt.uuid)).toEqual([]);
  });

  it('refuses changing the type to one that requires an exam while the provider cannot examine', async () => {
    const day = futureDay();
    const appt = await book(day, '09:00', '09:45', { provider_uuid: clinic.hygienist.uuid, appointment_type_uuid: clinic.types.cleaning.uuid });
    const url = `${base}/appointments/${appt.uuid}`;
    expectNotAnExaminer(await http.call('PATCH', url, { body: { appointment_type_uuid: clinic.types.exam.uuid } }));
    expect((await http.get(url)).body.appointment_type.uuid).toBe(clinic.types.cleaning.uuid);
    // With an examiner in the same change it goes through.
    const both = await http.call('PATCH', url, { body: { appointment_type_uuid: clinic.types.exam.uuid, provider_uuid: clinic.dentist.uuid } });
    expect(both.status, JSON.stringify(both.body)).toBe(200);
    expect(both.body).toMatchObject({ appointment_type: { uuid: clinic.types.exam.uuid }, provider: { uuid: clinic.dentist.uuid } });
  });

  it('an exam whose provider stopped examining keeps its notes editable, but takes no new time of that provider', async () => {
    const provider = await newProvider('Retiring', true);
    const day = futureDay();
    const appt = await book(day, '09:00', '10:00', { provider_uuid: provider.uuid });
    expect((await http.call('PATCH', `${base}/providers/${provider.uuid}`, { body: { can_examine: false } })).status).toBe(200);
    const url = `${base}/appointments/${appt.uuid}`;
    expect((await http.call('PATCH', url, { body: { notes: 'bring x-rays' } })).status).toBe(200);
    expectNotAnExaminer(await http.call('PATCH', url, { body: { scheduled_start: `${day}T11:00:00`, scheduled_end: `${day}T12:00:00` } }));
    expect((await http.get(url)).body).toMatchObject({ scheduled_start: `${day}T09:00:00`, notes: 'bring x-rays' });
  });
});

/** The TransactWriteItems the API sends until the test ends: how many items each holds, and how many of them are events. */
function transactionSizes() {
  const sizes: { items: number; events: number }[] = [];
  const name = 'exams-transaction-sizes';
  db.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') {
        const items = (args.input as { TransactItems?: { Put?: { Item?: Record<string, unknown> } }[] }).TransactItems ?? [];
        sizes.push({ items: items.length, events: items.filter((i) => i.Put?.Item?.entity === 'event').length });
      }
      return next(args);
    },
    { step: 'initialize', name, override: true },
  );
  onTestFinished(() => void db.middlewareStack.remove(name));
  return sizes;
}

describe('the largest move still fits one transaction with the exam pin', () => {
  it('moves a 5 h 45 min appointment of a provider who cannot examine to a disjoint window (100 items at most), and refuses 6 hours', async () => {
    const hygienist = await newProvider('Longest', false);
    const day = futureDay();
    const longest = { appointment_type_uuid: clinic.types.cleaning.uuid, provider_uuid: hygienist.uuid };
    const sixHours = await http.post(`${base}/appointments`, body(day, '05:00', '11:00', longest));
    expect(sixHours.status).toBe(422);
    expect(sixHours.body.errors).toEqual([expect.objectContaining({ path: 'body.scheduled_end' })]);
    const appt = await book(day, '05:00', '10:45', longest);
    // The move deletes 46 locks and puts 46 (provider and chair), updates the appointment, raises both
    // guards, pins the type's requires_exam (the provider cannot examine), puts the audit entry and
    // its event: 98 items, in one transaction.
    const sent = transactionSizes();
    const moved = await http.call('PATCH', `${base}/appointments/${appt.uuid}`, { body: { scheduled_start: `${day}T12:00:00`, scheduled_end: `${day}T17:45:00` } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(sent).toEqual([{ items: 98, events: 1 }]);
    const held = (await providerLocks(clinic.orgId, hygienist.uuid)).filter((l) => l.appointment_uuid === appt.uuid);
    expect(held).toHaveLength(23);
  });
});

describe('availability of a type that requires an exam', () => {
  const query = (day: string, type: string, extra: Record<string, string> = {}) =>
    http.get(`${base}/schedule/availability?${new URLSearchParams({ location_uuid: clinic.location.uuid, appointment_type_uuid: type, date_from: day, date_to: day, ...extra })}`);
  const providersIn = (items: { provider: { uuid: string } }[]) => [...new Set(items.map((i) => i.provider.uuid))].sort();

  it('offers only providers who can examine; other types, every provider', async () => {
    const day = futureDay();
    const exam = await query(day, clinic.types.exam.uuid);
    expect(exam.status).toBe(200);
    expect(exam.body.items.length).toBeGreaterThan(0);
    expect(providersIn(exam.body.items)).not.toContain(clinic.hygienist.uuid);
    expect(providersIn(exam.body.items)).toContain(clinic.dentist.uuid);
    const cleaning = await query(day, clinic.types.cleaning.uuid);
    expect(providersIn(cleaning.body.items)).toEqual(expect.arrayContaining([clinic.dentist.uuid, clinic.hygienist.uuid]));
  });

  it('naming a provider who cannot examine is a 422 naming query.provider_uuid', async () => {
    const res = await query(futureDay(), clinic.types.exam.uuid, { provider_uuid: clinic.hygienist.uuid });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'query.provider_uuid', message: 'the provider cannot examine and the appointment type requires an exam' }]);
  });

  it('follows can_examine as it changes, and every window it offers books', async () => {
    const provider = await newProvider('Switching', false);
    const day = futureDay();
    expect(providersIn((await query(day, clinic.types.exam.uuid)).body.items)).not.toContain(provider.uuid);
    await http.call('PATCH', `${base}/providers/${provider.uuid}`, { body: { can_examine: true } });
    const offered = (await query(day, clinic.types.exam.uuid, { provider_uuid: provider.uuid })).body.items;
    expect(offered.length).toBeGreaterThan(0);
    const first = offered[0];
    const res = await http.post(`${base}/appointments`, { ...body(day, '00:00', '00:00', { provider_uuid: provider.uuid, operatory_uuid: first.operatories[0].uuid }), scheduled_start: first.scheduled_start, scheduled_end: first.scheduled_end });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });
});

describe('the rule holds as the write commits (races)', () => {
  it('a booking that read can_examine true, committing after it turned false, is refused (422)', async () => {
    const provider = await newProvider('Racing', true);
    const day = futureDay();
    const flip = beforeFirstWrite(provider.uuid, () => updateProviderFields(clinic.orgId, provider.uuid, { can_examine: false }));
    const attempt = bookAppointment(clinic.orgId, actor, body(day, '09:00', '10:00', { provider_uuid: provider.uuid }));
    await expect(attempt).rejects.toBeInstanceOf(ApiError);
    await expect(attempt).rejects.toMatchObject({ status: 422, extensions: { errors: [NOT_AN_EXAMINER] } });
    expect(flip.ran()).toBe(true);
    expect(await providerLocks(clinic.orgId, provider.uuid)).toEqual([]);
  });

  it('a booking with a provider who cannot examine, committing after its type came to require an exam, is refused (422)', async () => {
    const provider = await newProvider('Hygiene', false);
    const type = await createAppointmentType(clinic.orgId, { code: `T${dayCounter}`, name: 'Check-up', duration_minutes: 30, color: '#123456', requires_exam: false });
    const day = futureDay();
    const flip = beforeFirstWrite(provider.uuid, () => updateAppointmentTypeFields(clinic.orgId, type.uuid, { requires_exam: true }));
    const attempt = bookAppointment(clinic.orgId, actor, body(day, '09:00', '09:30', { provider_uuid: provider.uuid, appointment_type_uuid: type.uuid }));
    await expect(attempt).rejects.toMatchObject({ status: 422, extensions: { errors: [NOT_AN_EXAMINER] } });
    expect(flip.ran()).toBe(true);
    expect(await providerLocks(clinic.orgId, provider.uuid)).toEqual([]);
  });

  it('a type change of an appointment (no new time) committing after its provider stopped examining is refused (422)', async () => {
    const provider = await newProvider('TypeRace', true);
    const day = futureDay();
    const appt = await book(day, '09:00', '09:45', { provider_uuid: provider.uuid, appointment_type_uuid: clinic.types.cleaning.uuid });
    const flip = beforeFirstWrite(appt.uuid, () => updateProviderFields(clinic.orgId, provider.uuid, { can_examine: false }));
    const attempt = updateAppointment(clinic.orgId, actor, appt.uuid, { appointment_type_uuid: clinic.types.exam.uuid });
    await expect(attempt).rejects.toMatchObject({ status: 422, extensions: { errors: [NOT_AN_EXAMINER] } });
    expect(flip.ran()).toBe(true);
    expect((await http.get(`${base}/appointments/${appt.uuid}`)).body.appointment_type.uuid).toBe(clinic.types.cleaning.uuid);
  });

  it('a move of an exam to a provider who stopped examining meanwhile is refused (422)', async () => {
    const target = await newProvider('MoveRace', true);
    const day = futureDay();
    const appt = await book(day, '09:00', '10:00');
    const flip = beforeFirstWrite(appt.uuid, () => updateProviderFields(clinic.orgId, target.uuid, { can_examine: false }));
    const attempt = updateAppointment(clinic.orgId, actor, appt.uuid, { provider_uuid: target.uuid });
    await expect(attempt).rejects.toMatchObject({ status: 422, extensions: { errors: [NOT_AN_EXAMINER] } });
    expect(flip.ran()).toBe(true);
    expect(await providerLocks(clinic.orgId, target.uuid)).toEqual([]);
  });

  it('concurrent exam bookings and a can_examine=false: none commits after the change', async () => {
    const provider = await newProvider('Burst', true);
    const day = futureDay();
    const initial = ((await providerItem(provider.uuid)).booking_version as number | undefined) ?? 0;
    const hours = ['06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17'];
    const bookings = hours.map((h, i) =>
      http.post(`${base}/appointments`, body(day, `${h}:00`, `${h}:30`, { provider_uuid: provider.uuid, operatory_uuid: clinic.operatories[i % 3]!.uuid, appointment_type_uuid: clinic.types.exam.uuid })),
    );
    // Each booking raises booking_version as it commits; the change returns the version it saw. It
    // starts once the first booking has answered, while the others are in flight.
    const flip = Promise.race(bookings).then(() => updateProviderFields(clinic.orgId, provider.uuid, { can_examine: false }));
    const [results, flipped] = await Promise.all([Promise.all(bookings), flip]);
    for (const r of results) expect([201, 422], JSON.stringify(r.body)).toContain(r.status);
    for (const r of results.filter((r) => r.status === 422)) expect(r.body.errors).toEqual([NOT_AN_EXAMINER]);
    const booked = results.filter((r) => r.status === 201).length;
    const atChange = (flipped!.booking_version ?? 0) - initial;
    // Every exam that was booked committed before the change; none after it.
    expect(booked).toBe(atChange);
    expect(((await providerItem(provider.uuid)).booking_version as number | undefined) ?? 0).toBe(flipped!.booking_version ?? 0);
    // And the provider cannot examine from then on.
    expectNotAnExaminer(await http.post(`${base}/appointments`, body(day, '18:00', '18:30', { provider_uuid: provider.uuid })));
  });
});

describe('loose ends', () => {
  it('POST operatories answers 201 with Location: the location’s operatories, which list it', async () => {
    const res = await http.post(`${base}/locations/${clinic.location.uuid}/operatories`, { name: 'Operatory 9' });
    expect(res.status).toBe(201);
    const location = res.headers.get('location');
    expect(location).toBe(`${base}/locations/${clinic.location.uuid}/operatories`);
    const list = await http.get(location!);
    expect(list.body.items).toContainEqual(res.body);
  });

  it('POST time-off answers 201 with Location: the time-off list of its provider or chair over its dates, which lists it', async () => {
    const day = futureDay();
    const provider = await http.post(`${base}/time-off`, { provider_uuid: clinic.hygienist.uuid, location_uuid: clinic.location.uuid, start: `${day}T12:00:00`, end: `${day}T13:00:00` });
    expect(provider.status).toBe(201);
    expect(provider.headers.get('location')).toBe(`${base}/time-off?provider_uuid=${clinic.hygienist.uuid}&date_from=${day}&date_to=${day}`);
    expect((await http.get(provider.headers.get('location')!)).body.items).toContainEqual(provider.body);
    const chair = clinic.operatories[2]!.uuid;
    const next = DateTime.fromISO(day).plus({ days: 1 }).toISODate()!;
    const operatory = await http.post(`${base}/time-off`, { operatory_uuid: chair, location_uuid: clinic.location.uuid, start: `${day}T22:00:00`, end: `${next}T02:00:00` });
    expect(operatory.status).toBe(201);
    expect(operatory.headers.get('location')).toBe(`${base}/time-off?operatory_uuid=${chair}&location_uuid=${clinic.location.uuid}&date_from=${day}&date_to=${next}`);
    expect((await http.get(operatory.headers.get('location')!)).body.items).toContainEqual(operatory.body);
  });
});
