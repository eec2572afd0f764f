/**
 * The outbox (issue 15): every change puts exactly one event, in its own transaction, and a refused,
 * failed or replayed request puts none — also under injected faults (lost replies, retries). Each
 * event is checked exactly, from the table; its `version` is the ETag a GET answers right after.
 * Then the pull feed (`GET …/events`): order, cursor, page size, the settle time, what it leaves out,
 * one organisation never seeing another's events; and a property: patient data never reaches an event.
 */
import { afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { changeAppointmentStatus } from '#shared/domain/appointment-changes.ts';
import { eventIdTime, eventRecord, newEventId, payloadOf, toEventRecord, type EventDraft, type EventPayload, type EventRecord } from '#shared/domain/events.ts';
import { FEED_SETTLE_MS, feedPage, feedRange, listEvents } from '#shared/domain/event-feed.ts';
import { createOrg } from '#shared/domain/settings.ts';
import { EVENT_ID_PATTERN, EventFeed } from '#shared/schemas/events.ts';
import { examples } from '#shared/schemas/examples.ts';
import { createTestClinic, tokenFor, worksAroundTheClock, type TestClinic } from '../helpers/clinic.ts';
import { injectFaults, type FaultInjection, type FaultRule } from '../helpers/faults.ts';
import { client } from '../helpers/local-api.ts';
import { SEEDED_PHI } from '../helpers/phi.ts';
import { appointmentItem } from '../helpers/table.ts';
import { useClinic, type Client } from '../helpers/use-clinic.ts';

const LA = 'America/Los_Angeles';
const fixture = useClinic();
let clinic: TestClinic;
let http: Client;
let base: string;
let faults: FaultInjection | undefined;

beforeAll(() => {
  ({ clinic, http, base } = fixture);
});
afterEach(() => {
  faults?.remove();
  faults = undefined;
});

let dayCounter = 0;
const freshDay = () => DateTime.now().setZone(LA).plus({ days: 40 + ++dayCounter }).toISODate()!;

function booking(day: string, overrides: Record<string, unknown> = {}) {
  return {
    patient_uuid: clinic.patients.jane.uuid,
    appointment_type_uuid: clinic.types.cleaning.uuid,
    location_uuid: clinic.location.uuid,
    provider_uuid: clinic.dentist.uuid,
    operatory_uuid: clinic.operatories[0]!.uuid,
    scheduled_start: `${day}T10:00:00`,
    scheduled_end: `${day}T11:00:00`,
    ...overrides,
  };
}

async function book(day: string, overrides: Record<string, unknown> = {}) {
  const res = await http.post(`${base}/appointments`, booking(day, overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { uuid: string; status: string };
}

// ---- the outbox, read from the table -------------------------------------------------------------

/** Every event item of an organisation, oldest id first (one consistent Query, every page). */
async function storedEvents(orgId: string = clinic.orgId): Promise<EventRecord[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.events(orgId).pk }, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.map((item) => {
    const record = toEventRecord(item);
    if (!record) throw new Error(`not an event item in the event partition: ${JSON.stringify(item)}`);
    return record;
  });
}

/** Runs `work` and returns the events it put (the organisation's items that were not there before). */
async function eventsOf<T>(work: () => Promise<T>, orgId: string = clinic.orgId): Promise<{ result: T; events: EventPayload[]; records: EventRecord[] }> {
  const before = new Set((await storedEvents(orgId)).map((e) => e.event_id));
  const result = await work();
  const records = (await storedEvents(orgId)).filter((e) => !before.has(e.event_id));
  return { result, events: records.map(payloadOf), records };
}

/** The one event a piece of work put (fails unless it put exactly one). */
async function oneEventOf<T>(work: () => Promise<T>): Promise<{ result: T; event: EventPayload }> {
  const { result, events } = await eventsOf(work);
  expect(events, JSON.stringify(events)).toHaveLength(1);
  return { result, event: events[0]! };
}

/** Every TransactWriteItems the API sends until the test ends, as the keys and entities of its items. */
function sentTransactions() {
  const sent: { entity?: unknown; pk?: unknown; sk?: unknown }[][] = [];
  const name = 'events-sent-transactions';
  db.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') {
        const items = (args.input as { TransactItems?: { Put?: { Item?: Record<string, unknown> } }[] }).TransactItems ?? [];
        sent.push(items.map((i) => ({ entity: i.Put?.Item?.entity, pk: i.Put?.Item?.pk, sk: i.Put?.Item?.sk })));
      }
      return next(args);
    },
    { step: 'initialize', name, override: true },
  );
  onTestFinished(() => void db.middlewareStack.remove(name));
  return sent;
}

/** The current ETag of an appointment, as a GET answers it. */
async function etagOf(appointmentId: string): Promise<string> {
  const res = await http.get(`${base}/appointments/${appointmentId}`);
  expect(res.status).toBe(200);
  return res.headers.get('etag')!;
}

function expectEnvelope(event: EventPayload) {
  expect(event.id).toMatch(EVENT_ID_PATTERN);
  expect(event.org_id).toBe(clinic.orgId);
  expect(Date.parse(event.timestamp)).not.toBeNaN();
}

const appointmentData = (uuid: string, status: string, previous: string | null, version: string) => ({
  appointment_uuid: uuid,
  location_uuid: clinic.location.uuid,
  status,
  previous_status: previous,
  version,
});

// ---- one event per change -------------------------------------------------------------------------

describe('an appointment change puts exactly one event, in its own transaction', () => {
  it('booking: appointment.booked, previous_status null, version the ETag a GET answers, beside the appointment in one transaction', async () => {
    const sent = sentTransactions();
    const { result: appt, event } = await oneEventOf(() => book(freshDay()));
    expectEnvelope(event);
    expect(event.type).toBe('appointment.booked');
    expect(event.data).toEqual(appointmentData(appt.uuid, 'scheduled', null, await etagOf(appt.uuid)));
    expect(event.data).toEqual(appointmentData(appt.uuid, 'scheduled', null, '"1"'));
    // One transaction held the appointment, its audit entry and its event.
    expect(sent).toHaveLength(1);
    const entities = sent[0]!.map((i) => i.entity);
    expect(entities.filter((e) => e === 'event')).toHaveLength(1);
    expect(entities).toEqual(expect.arrayContaining(['appointment', 'audit', 'event']));
    expect(sent[0]!.find((i) => i.entity === 'event')).toMatchObject(keys.event(clinic.orgId, event.id));
  });

  it('stores the payload as the exact JSON text that is sent, with a TTL of about 30 days', async () => {
    const { records } = await eventsOf(() => book(freshDay()));
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(record.body).toBe(JSON.stringify(payloadOf(record)));
    expect(Object.keys(payloadOf(record))).toEqual(['id', 'type', 'timestamp', 'org_id', 'data']);
    const days = (record.expires_at - Date.now() / 1000) / 86_400;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });

  it('PATCH of notes or type: appointment.updated; of time, provider or chair: appointment.rescheduled; both at once: one rescheduled', async () => {
    const day = freshDay();
    const appt = await book(day);
    const url = `${base}/appointments/${appt.uuid}`;
    const patch = async (body: Record<string, unknown>) => {
      const res = await http.call('PATCH', url, { body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.headers.get('etag')!;
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ notes: 'bring the x-rays' }, 'appointment.updated'],
      [{ appointment_type_uuid: clinic.types.exam.uuid }, 'appointment.updated'],
      [{ notes: null }, 'appointment.updated'],
      [{ scheduled_start: `${day}T12:00:00`, scheduled_end: `${day}T13:00:00` }, 'appointment.rescheduled'],
      // A longer visit from the same start: the end moved.
      [{ scheduled_start: `${day}T12:00:00`, scheduled_end: `${day}T13:30:00` }, 'appointment.rescheduled'],
      [{ operatory_uuid: clinic.operatories[1]!.uuid }, 'appointment.rescheduled'],
      [{ provider_uuid: clinic.hygienist.uuid, appointment_type_uuid: clinic.types.cleaning.uuid }, 'appointment.rescheduled'],
      [{ scheduled_start: `${day}T14:00:00`, scheduled_end: `${day}T15:00:00`, notes: 'moved and noted' }, 'appointment.rescheduled'],
      // The same time again: nothing moved, but the version did.
      [{ scheduled_start: `${day}T14:00:00`, scheduled_end: `${day}T15:00:00` }, 'appointment.updated'],
    ];
    for (const [body, type] of cases) {
      const { result: etag, event } = await oneEventOf(() => patch(body));
      expect([body, event.type]).toEqual([body, type]);
      expect(event.data).toEqual(appointmentData(appt.uuid, 'scheduled', 'scheduled', etag));
      expect(await etagOf(appt.uuid)).toBe(etag);
    }
    expect(await etagOf(appt.uuid)).toBe(`"${cases.length + 1}"`);
  });

  it('status changes: appointment.<status>, with the status before and the version after', async () => {
    const path = (id: string) => `${base}/appointments/${id}/status`;
    const change = async (id: string, status: string) => {
      const res = await http.call('PATCH', path(id), { body: { status, reason: status === 'cancelled' ? 'moved away' : undefined } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.headers.get('etag')!;
    };
    const a = await book(freshDay());
    let previous = 'scheduled';
    for (const status of ['confirmed', 'arrived', 'completed']) {
      const { result: etag, event } = await oneEventOf(() => change(a.uuid, status));
      expect(event.type).toBe(`appointment.${status}`);
      expect(event.data).toEqual(appointmentData(a.uuid, status, previous, etag));
      expect(await etagOf(a.uuid)).toBe(etag);
      previous = status;
    }
    const b = await book(freshDay());
    const cancelled = await oneEventOf(() => change(b.uuid, 'cancelled'));
    expect(cancelled.event).toMatchObject({ type: 'appointment.cancelled', data: appointmentData(b.uuid, 'cancelled', 'scheduled', '"2"') });

    // A no-show once the start has passed: the domain call at a later clock (its event carries that time).
    const c = await book(freshDay());
    await change(c.uuid, 'confirmed');
    const start = Date.parse(((await appointmentItem(clinic.orgId, c.uuid)) as { start_utc: string }).start_utc);
    const later = new Date(start + 3_600_000);
    const noShow = await oneEventOf(() => changeAppointmentStatus(clinic.orgId, { tokenId: 'events-test', requestId: 'events-test' }, c.uuid, { status: 'no_show' }, { now: later }));
    expect(noShow.event).toMatchObject({ type: 'appointment.no_show', timestamp: later.toISOString(), data: appointmentData(c.uuid, 'no_show', 'confirmed', noShow.result.etag) });
    expect(noShow.result.etag).toBe(await etagOf(c.uuid));
  });
});

describe('patients and the schedule', () => {
  it('patient create: patient.created with the uuid only; a patient update puts none', async () => {
    const { result, event } = await oneEventOf(() => http.post(`${base}/patients`, { first_name: 'Evangeline', last_name: 'Outbox', date_of_birth: '1970-03-04', email: 'evangeline@example.org' }));
    expect(result.status).toBe(201);
    expectEnvelope(event);
    expect(event).toMatchObject({ type: 'patient.created' });
    expect(event.data).toEqual({ patient_uuid: result.body.uuid });
    const update = await eventsOf(() => http.call('PATCH', `${base}/patients/${result.body.uuid}`, { body: { primary_phone: '+1 415 555 0101' } }));
    expect(update.result.status).toBe(200);
    expect(update.events).toEqual([]);
  });

  it('time off created (provider or operatory) and deleted: schedule.changed with the appointments the API reports', async () => {
    const day = freshDay();
    const appt = await book(day);
    const created = await oneEventOf(() => http.post(`${base}/time-off`, { provider_uuid: clinic.dentist.uuid, location_uuid: clinic.location.uuid, start: `${day}T09:00:00`, end: `${day}T12:00:00` }));
    expect(created.result.status).toBe(201);
    const reported = (created.result.body.affected_appointments as { uuid: string }[]).map((a) => a.uuid);
    expect(reported).toEqual([appt.uuid]);
    expect(created.event.type).toBe('schedule.changed');
    expect(created.event.data).toEqual({ change: 'time_off.created', provider_uuid: clinic.dentist.uuid, operatory_uuid: null, location_uuid: clinic.location.uuid, affected_appointment_uuids: reported });

    const deleted = await oneEventOf(() => http.call('DELETE', `${base}/time-off/${created.result.body.uuid}`));
    expect(deleted.result.status).toBe(204);
    expect(deleted.event.data).toEqual({ change: 'time_off.deleted', provider_uuid: clinic.dentist.uuid, operatory_uuid: null, location_uuid: clinic.location.uuid, affected_appointment_uuids: [] });

    const chair = await oneEventOf(() => http.post(`${base}/time-off`, { operatory_uuid: clinic.operatories[2]!.uuid, location_uuid: clinic.location.uuid, start: `${day}T15:00:00`, end: `${day}T16:00:00` }));
    expect(chair.result.status).toBe(201);
    expect(chair.event.data).toEqual({ change: 'time_off.created', provider_uuid: null, operatory_uuid: clinic.operatories[2]!.uuid, location_uuid: clinic.location.uuid, affected_appointment_uuids: [] });
  });

  it('working hours PUT: schedule.changed naming the appointments left outside; the fixture loader puts none', async () => {
    const created = await http.post(`${base}/providers`, { first_name: 'Hours', last_name: 'Changer', title: 'DDS' });
    expect(created.status).toBe(201);
    const provider = created.body.uuid as string;
    const loaded = await eventsOf(() => worksAroundTheClock(clinic.orgId, provider, clinic.location.uuid));
    expect(loaded.events).toEqual([]);
    const day = freshDay();
    const early = await book(day, { provider_uuid: provider, scheduled_start: `${day}T07:00:00`, scheduled_end: `${day}T08:00:00` });
    await book(day, { provider_uuid: provider, operatory_uuid: clinic.operatories[1]!.uuid, scheduled_start: `${day}T10:00:00`, scheduled_end: `${day}T11:00:00` });
    const nineToFive = [{ start: '09:00', end: '17:00' }];
    const weekly = Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, nineToFive]));
    const put = await oneEventOf(() => http.call('PUT', `${base}/providers/${provider}/working-hours/${clinic.location.uuid}`, { body: { weekly } }));
    expect(put.result.status, JSON.stringify(put.result.body)).toBe(200);
    const reported = (put.result.body.affected_appointments as { uuid: string }[]).map((a) => a.uuid);
    expect(reported).toEqual([early.uuid]);
    expect(put.event).toMatchObject({ type: 'schedule.changed' });
    expect(put.event.data).toEqual({ change: 'working_hours.updated', provider_uuid: provider, operatory_uuid: null, location_uuid: clinic.location.uuid, affected_appointment_uuids: reported });
  });
});

describe('a refused or replayed request puts no event', () => {
  it('409 slot conflict, 422, 409 status conflict, 412 stale If-Match: none', async () => {
    const day = freshDay();
    const appt = await book(day);
    const refused: [string, () => Promise<{ status: number }>, number][] = [
      ['slot conflict', () => http.post(`${base}/appointments`, booking(day)), 409],
      ['archived type', () => http.post(`${base}/appointments`, booking(freshDay(), { appointment_type_uuid: clinic.types.archived.uuid })), 422],
      ['move into a taken slot', async () => {
        const other = await book(day, { scheduled_start: `${day}T13:00:00`, scheduled_end: `${day}T14:00:00` });
        return http.call('PATCH', `${base}/appointments/${other.uuid}`, { body: { scheduled_start: `${day}T10:00:00`, scheduled_end: `${day}T11:00:00` } });
      }, 409],
      ['back to scheduled', () => http.call('PATCH', `${base}/appointments/${appt.uuid}/status`, { body: { status: 'scheduled' } }), 409],
      ['completed before arrived', () => http.call('PATCH', `${base}/appointments/${appt.uuid}/status`, { body: { status: 'completed' } }), 409],
      ['stale If-Match', () => http.call('PATCH', `${base}/appointments/${appt.uuid}`, { body: { notes: 'late' }, headers: { 'if-match': '"7"' } }), 412],
      ['stale If-Match on status', () => http.call('PATCH', `${base}/appointments/${appt.uuid}/status`, { body: { status: 'confirmed' }, headers: { 'if-match': '"7"' } }), 412],
      ['patient: unknown preferred provider', () => http.post(`${base}/patients`, { first_name: 'Nobody', last_name: 'Prefers', date_of_birth: '1980-01-01', preferred_provider_uuid: clinic.location.uuid }), 422],
      ['patient: possible duplicate', () => http.post(`${base}/patients`, { first_name: 'Jane', last_name: 'Smith', date_of_birth: '1986-04-12' }), 409],
      ['time off ending before it starts', () => http.post(`${base}/time-off`, { provider_uuid: clinic.dentist.uuid, location_uuid: clinic.location.uuid, start: `${day}T09:00:00`, end: `${day}T08:00:00` }), 422],
      ['unknown time off', () => http.call('DELETE', `${base}/time-off/${clinic.location.uuid}`), 404],
    ];
    for (const [label, request, status] of refused) {
      const { result, events, records } = await eventsOf(request);
      // The move's setup booked one: only that booking's event is allowed.
      const expected = label === 'move into a taken slot' ? ['appointment.booked'] : [];
      expect([label, result.status, events.map((e) => e.type)]).toEqual([label, status, expected]);
      expect(records.length).toBe(expected.length);
    }
  });

  it('an Idempotency-Key replay (booking, patient) answers the first answer and puts none', async () => {
    const day = freshDay();
    const key = { 'idempotency-key': `events-${day}` };
    const first = await oneEventOf(() => http.post(`${base}/appointments`, booking(day), { headers: key }));
    expect(first.result.status).toBe(201);
    const replay = await eventsOf(() => http.post(`${base}/appointments`, booking(day), { headers: key }));
    expect(replay.result.status).toBe(201);
    expect(replay.result.body.uuid).toBe(first.result.body.uuid);
    expect(replay.events).toEqual([]);

    const patient = { first_name: 'Idem', last_name: 'Potent', date_of_birth: '1966-06-06' };
    const patientKey = { 'idempotency-key': `events-patient-${day}` };
    const made = await oneEventOf(() => http.post(`${base}/patients`, patient, { headers: patientKey }));
    expect(made.result.status).toBe(201);
    const again = await eventsOf(() => http.post(`${base}/patients`, patient, { headers: patientKey }));
    expect(again.result.body.uuid).toBe(made.result.body.uuid);
    expect(again.events).toEqual([]);

    // A refused booking remembered under its key: replayed as the same 409, still no event.
    const taken = { 'idempotency-key': `events-taken-${day}` };
    for (let i = 0; i < 2; i++) {
      const refused = await eventsOf(() => http.post(`${base}/appointments`, booking(day), { headers: taken }));
      expect(refused.result.status).toBe(409);
      expect(refused.events).toEqual([]);
    }
  });
});

describe('under injected faults: exactly one event per committed change', () => {
  const inject = (...rules: FaultRule[]) => (faults = injectFaults(db, rules));
  const lostReplies = () => inject({ command: 'TransactWriteItemsCommand', fault: 'timeout', when: 'after' });
  const settle = () => {
    faults?.remove();
    faults = undefined;
  };

  it('a reply lost after every write (booking, move, status, patient, time off, working hours): the change answers 2xx and put one event', async () => {
    const day = freshDay();
    const changes: [string, () => Promise<{ status: number; body: any }>, number, string][] = [
      ['booking', () => http.post(`${base}/appointments`, booking(day)), 201, 'appointment.booked'],
      ['booking with a key', () => http.post(`${base}/appointments`, booking(day, { scheduled_start: `${day}T15:00:00`, scheduled_end: `${day}T16:00:00` }), { headers: { 'idempotency-key': `lost-${day}` } }), 201, 'appointment.booked'],
      ['patient', () => http.post(`${base}/patients`, { first_name: 'Lost', last_name: 'Reply', date_of_birth: '1990-02-02' }), 201, 'patient.created'],
      ['time off', () => http.post(`${base}/time-off`, { provider_uuid: clinic.hygienist.uuid, location_uuid: clinic.location.uuid, start: `${day}T06:00:00`, end: `${day}T07:00:00` }), 201, 'schedule.changed'],
    ];
    const ids: Record<string, string> = {};
    for (const [label, request, status, type] of changes) {
      lostReplies();
      const { result, events } = await eventsOf(request);
      settle();
      expect([label, result.status, events.map((e) => e.type)]).toEqual([label, status, [type]]);
      ids[label] = result.body.uuid;
    }
    const appointment = `${base}/appointments/${ids.booking}`;
    const later: [string, () => Promise<{ status: number }>, number, string][] = [
      ['move', () => http.call('PATCH', appointment, { body: { scheduled_start: `${day}T12:00:00`, scheduled_end: `${day}T13:00:00` } }), 200, 'appointment.rescheduled'],
      ['status', () => http.call('PATCH', `${appointment}/status`, { body: { status: 'confirmed' } }), 200, 'appointment.confirmed'],
      ['time off delete', () => http.call('DELETE', `${base}/time-off/${ids['time off']}`), 204, 'schedule.changed'],
      ['working hours', () => http.call('PUT', `${base}/providers/${clinic.hygienist.uuid}/working-hours/${clinic.location.uuid}`, { body: { weekly: Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, [{ start: '00:00', end: '24:00' }]])) } }), 200, 'schedule.changed'],
    ];
    for (const [label, request, status, type] of later) {
      lostReplies();
      const { result, events } = await eventsOf(request);
      settle();
      expect([label, result.status, events.map((e) => e.type)]).toEqual([label, status, [type]]);
    }
    expect(await appointmentItem(clinic.orgId, ids.booking!)).toMatchObject({ status: 'confirmed', version: 3 });
  });

  it('throttled once, cancelled by a TransactionConflict once, a 5xx after the write: one event each; failing on every attempt (503): none', async () => {
    const cases: [string, FaultRule, number, number][] = [
      ['throttled once', { command: 'TransactWriteItemsCommand', fault: 'throttling', calls: (n) => n === 1 }, 201, 1],
      ['conflict once', { command: 'TransactWriteItemsCommand', fault: 'transaction-conflict', calls: (n) => n === 1 }, 201, 1],
      ['5xx after the write once', { command: 'TransactWriteItemsCommand', fault: 'internal-server-error', when: 'after', calls: (n) => n === 1 }, 201, 1],
      ['throttled always', { command: 'TransactWriteItemsCommand', fault: 'throttling' }, 503, 0],
      ['5xx before every write', { command: 'TransactWriteItemsCommand', fault: 'internal-server-error', when: 'before' }, 503, 0],
    ];
    for (const [label, rule, status, count] of cases) {
      const day = freshDay();
      inject(rule);
      const { result, events } = await eventsOf(() => http.post(`${base}/appointments`, booking(day)));
      settle();
      expect([label, result.status, events.length]).toEqual([label, status, count]);
      if (count === 1) expect(events[0]!.data).toMatchObject({ appointment_uuid: result.body.uuid, version: '"1"' });
    }
  });
});

// ---- the feed -------------------------------------------------------------------------------------

describe('the feed, pure parts', () => {
  const now = new Date('2026-06-01T12:00:00.000Z');
  const idAt = (ms: number) => newEventId(new Date(ms));

  it('ranges from after the cursor to the last id made FEED_SETTLE_MS before now', () => {
    const range = feedRange(undefined, now)!;
    expect(range.from).toBe('evt_');
    const settled = idAt(now.getTime() - FEED_SETTLE_MS);
    const fresh = idAt(now.getTime() - FEED_SETTLE_MS + 1);
    expect(settled >= range.from && settled <= range.to).toBe(true);
    expect(fresh > range.to).toBe(true);
    const cursor = idAt(now.getTime() - 60_000);
    const after = feedRange(cursor, now)!;
    expect(cursor < after.from).toBe(true);
    // Every id after the cursor, of the same millisecond too, is in the range.
    for (let i = 0; i < 200; i++) {
      const id = idAt(now.getTime() - 60_000);
      expect(id > cursor === (id >= after.from)).toBe(true);
    }
    // A cursor from the future: nothing to read.
    expect(feedRange(idAt(now.getTime()), now)).toBeUndefined();
  });

  it('leaves out webhook tests and expired events, but moves the cursor past them', () => {
    const at = (seconds: number) => new Date(now.getTime() - seconds * 1000);
    const listed = eventRecord('org', { type: 'patient.created', data: { patient_uuid: 'p' } }, at(90));
    const test = eventRecord('org', { type: 'webhook.test', data: { endpoint_uuid: 'e' }, only_endpoint: 'e' }, at(80));
    const expired = eventRecord('org', { type: 'patient.created', data: { patient_uuid: 'q' } }, new Date(now.getTime() - 31 * 86_400_000));
    expect(feedPage([expired, listed, test], now)).toEqual({ items: [payloadOf(listed)], next_after: test.event_id });
    expect(feedPage([], now)).toEqual({ items: [], next_after: null });
  });

  it("the document's example is a feed page", () => {
    expect(EventFeed.parse(examples.eventFeed)).toEqual(examples.eventFeed);
    for (const item of examples.eventFeed.items) expect(item.id).toMatch(EVENT_ID_PATTERN);
  });
});

describe('GET /events', () => {
  let feed: { orgId: string; token: string; base: string };
  /** The events written into the feed's organisation, oldest first (as the feed lists them). */
  let written: EventPayload[];
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

  async function put(orgId: string, draft: EventDraft, at: Date): Promise<EventRecord> {
    const record = eventRecord(orgId, draft, at);
    await db.send(new PutCommand({ TableName: tableName, Item: record }));
    return record;
  }

  beforeAll(async () => {
    const org = await createOrg({ name: 'Feed clinic' });
    feed = { orgId: org.uuid, token: await tokenFor(org.uuid, ['read']), base: `/api/v1/${org.uuid}` };
    const records: EventRecord[] = [];
    // Twelve events a minute apart, ten and more minutes ago (their ids made then), among them a
    // webhook test, which the feed leaves out.
    for (let i = 0; i < 12; i++) {
      const draft: EventDraft =
        i === 5
          ? { type: 'webhook.test', data: { endpoint_uuid: '00000000-0000-4000-8000-000000000005' }, only_endpoint: '00000000-0000-4000-8000-000000000005' }
          : { type: 'patient.created', data: { patient_uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` } };
      records.push(await put(feed.orgId, draft, minutesAgo(22 - i)));
    }
    written = records.filter((r) => r.event_type !== 'webhook.test').map(payloadOf);
  });

  const get = (query: Record<string, string> = {}, token = feed.token, path = feed.base) => client(fixture.api.baseUrl, token).get(`${path}/events?${new URLSearchParams(query)}`);

  it('lists the events oldest first, as stored and signed, without the webhook test', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(written);
    expect(res.body.next_after).toBe(written.at(-1)!.id);
  });

  it('pages with limit and the after cursor, each event once, then says nothing new', async () => {
    const seen: EventPayload[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await get({ limit: '4', ...(after ? { after } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(4);
      if (res.body.next_after === null) {
        expect(res.body.items).toEqual([]);
        break;
      }
      seen.push(...res.body.items);
      after = res.body.next_after;
    }
    expect(seen).toEqual(written);
    const end = await get({ after: after! });
    expect(end.body).toEqual({ items: [], next_after: null });
    // A page that held only the webhook test still moves the cursor past it.
    const beforeTest = written[4]!.id;
    const onlyTest = await get({ after: beforeTest, limit: '1' });
    expect(onlyTest.body.items).toEqual([]);
    expect(onlyTest.body.next_after > beforeTest).toBe(true);
    expect((await get({ after: onlyTest.body.next_after, limit: '1' })).body.items).toEqual([written[5]]);
  });

  it(`lists an event only once its id is ${FEED_SETTLE_MS / 1000} s old`, async () => {
    const org = await createOrg({ name: 'Settling clinic' });
    const token = await tokenFor(org.uuid, ['read']);
    const path = `/api/v1/${org.uuid}`;
    const old = await put(org.uuid, { type: 'patient.created', data: { patient_uuid: '00000000-0000-4000-8000-0000000000aa' } }, new Date(Date.now() - FEED_SETTLE_MS - 5_000));
    // Made (as if a request started) a moment ago: it may still have an earlier-id neighbour to commit.
    await put(org.uuid, { type: 'patient.created', data: { patient_uuid: '00000000-0000-4000-8000-0000000000bb' } }, new Date(Date.now() - 1_000));
    const res = await get({}, token, path);
    expect(res.body).toEqual({ items: [payloadOf(old)], next_after: old.event_id });
    expect((await get({ after: old.event_id }, token, path)).body).toEqual({ items: [], next_after: null });
    // At a clock past the settle time, the domain call lists both, in order.
    const later = await listEvents(org.uuid, { after: old.event_id, limit: 50 }, new Date(Date.now() + FEED_SETTLE_MS));
    expect(later.items.map((e) => e.data)).toEqual([{ patient_uuid: '00000000-0000-4000-8000-0000000000bb' }]);
  });

  it("lists the real changes' events in the order they were made", async () => {
    const { events } = await eventsOf(async () => {
      const appt = await book(freshDay());
      await http.call('PATCH', `${base}/appointments/${appt.uuid}/status`, { body: { status: 'confirmed' } });
    });
    expect(events.map((e) => e.type)).toEqual(['appointment.booked', 'appointment.confirmed']);
    // From the event before them (the organisation's items sort by id), at a clock past the settle time.
    const stored = (await storedEvents()).map((e) => e.event_id);
    const before = stored[stored.indexOf(events[0]!.id) - 1];
    const page = await listEvents(clinic.orgId, { after: before, limit: 100 }, new Date(Date.now() + FEED_SETTLE_MS));
    expect(page).toEqual({ items: events, next_after: events[1]!.id });
    // And from the start, in pages, every event of the organisation in id order.
    const all: EventPayload[] = [];
    let after: string | undefined;
    for (let page = 0; page < 100; page++) {
      const next = await listEvents(clinic.orgId, { after, limit: 17 }, new Date(Date.now() + FEED_SETTLE_MS));
      if (next.next_after === null) break;
      all.push(...next.items);
      after = next.next_after;
    }
    // (All but the no-show's, made at a clock hours ahead.)
    const settled = (await storedEvents()).filter((e) => eventIdTime(e.event_id) <= Date.now());
    expect(all.map((e) => e.id)).toEqual(settled.map((e) => e.event_id));
  });

  it('refuses a malformed cursor or page size with a 400 naming it', async () => {
    for (const after of ['evt_', 'evt_01JTX9RBR0BPZQZF0EM8PW4BJ', 'evt_01JTX9RBR0BPZQZF0EM8PW4BJTX', 'evt_01jtx9rbr0bpzqzf0em8pw4bjt', 'evt_01JTX9RBR0BPZQZF0EM8PW4BJI', 'EVT_01JTX9RBR0BPZQZF0EM8PW4BJT', '01JTX9RBR0BPZQZF0EM8PW4BJT', "evt_' OR 1=1", '']) {
      const res = await get({ after });
      expect([after, res.status]).toEqual([after, 400]);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.after']);
    }
    for (const limit of ['0', '101', '-1', 'ten']) {
      const res = await get({ limit });
      expect([limit, res.status]).toEqual([limit, 400]);
    }
  });

  it("one organisation never sees another's events", async () => {
    const other = await createTestClinic();
    const mine = (await get()).body.items as EventPayload[];
    const theirs = await client(fixture.api.baseUrl, other.token).get(`/api/v1/${other.orgId}/events?limit=100`);
    expect(theirs.status).toBe(200);
    for (const event of theirs.body.items as EventPayload[]) expect(event.org_id).toBe(other.orgId);
    const ids = new Set((theirs.body.items as EventPayload[]).map((e) => e.id));
    for (const event of mine) expect(ids.has(event.id)).toBe(false);
    // Its token on this organisation's path is refused.
    const crossed = await client(fixture.api.baseUrl, other.token).get(`${feed.base}/events`);
    expect(crossed.status).toBe(403);
    expect(JSON.stringify(crossed.body)).not.toContain(written[0]!.id);
    // Their own events (their two patients, created with the clinic) are theirs alone, and the
    // feed of either organisation holds none of the other's, at any clock.
    const future = new Date(Date.now() + FEED_SETTLE_MS);
    const theirsLater = await listEvents(other.orgId, { limit: 100 }, future);
    expect(theirsLater.items.map((e) => [e.type, e.org_id, e.data])).toEqual([
      ['patient.created', other.orgId, { patient_uuid: other.patients.jane.uuid }],
      ['patient.created', other.orgId, { patient_uuid: other.patients.jonathan.uuid }],
    ]);
    const mineLater = await listEvents(feed.orgId, { limit: 100 }, future);
    expect(mineLater.items).toEqual(written);
  });
});

// ---- patient data never reaches an event -----------------------------------------------------------

describe('patient data in events', () => {
  const name = fc.tuple(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), fc.stringMatching(/^[a-z]{4,12}$/)).map(([first, rest]) => `${first}${rest}`);
  const phone = fc.tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 9999 })).map(([area, line]) => `+1-${area}-555-${String(line).padStart(4, '0')}`);
  const email = fc.tuple(fc.stringMatching(/^[a-z]{3,10}$/), fc.stringMatching(/^[a-z]{3,10}$/)).map(([user, host]) => `${user}.${host}@mail-${host}.example`);
  // Birth dates in the 1900s: never a prefix of an event's timestamp (made now).
  const dob = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('1999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  const note = fc.stringMatching(/^[A-Za-z][A-Za-z ,.;!?'-]{11,60}[A-Za-z.]$/);

  it('generated names, phones, emails, birth dates and notes never appear in an event of create patient + book + patch + status', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ first: name, last: name, phone, email, dob, notes: note, moreNotes: note }), async (p) => {
        const day = freshDay();
        const { records } = await eventsOf(async () => {
          const patient = await http.post(`${base}/patients`, { first_name: p.first, last_name: p.last, date_of_birth: p.dob, primary_phone: p.phone, email: p.email, allow_duplicate: true });
          expect(patient.status, JSON.stringify(patient.body)).toBe(201);
          const appt = await book(day, { patient_uuid: patient.body.uuid, notes: p.notes });
          const patched = await http.call('PATCH', `${base}/appointments/${appt.uuid}`, { body: { notes: p.moreNotes } });
          expect(patched.status).toBe(200);
          const confirmed = await http.call('PATCH', `${base}/appointments/${appt.uuid}/status`, { body: { status: 'confirmed', reason: p.notes } });
          expect(confirmed.status).toBe(200);
        });
        expect(records.map((r) => r.event_type)).toEqual(['patient.created', 'appointment.booked', 'appointment.updated', 'appointment.confirmed']);
        const phi = [p.first, p.last, p.phone, p.email, p.dob, p.notes, p.moreNotes];
        for (const record of records) {
          const stored = JSON.stringify(record);
          for (const value of phi) expect(stored, value).not.toContain(value);
        }
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it("no seeded patient value appears in any of this organisation's events", async () => {
    const stored = JSON.stringify(await storedEvents());
    for (const value of SEEDED_PHI) expect(stored, value).not.toContain(value);
  });
});
