/**
 * Sequential DynamoDB round trips per request, the token lookup included, counted by an SDK
 * middleware (shared/db/stage-counter.ts) around real requests to the local API: a change that adds
 * a round trip to a hot path fails here. These are cold-function figures — nothing is cached across
 * requests (a cache would hide a revoked token or a changed schedule).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { db } from '#shared/db/client.ts';
import { countStages, type StageCount, type StageCounter } from '#shared/db/stage-counter.ts';
import { createTestClinic, type TestClinic } from '../helpers/clinic.ts';
import { client, startLocalApi } from '../helpers/local-api.ts';
import { routes } from '#shared/routes.ts';

const LA = 'America/Los_Angeles';
let api: Awaited<ReturnType<typeof startLocalApi>>;
let clinic: TestClinic;
let http: ReturnType<typeof client>;
let base: string;
let counter: StageCounter;

beforeAll(async () => {
  api = await startLocalApi();
  clinic = await createTestClinic();
  http = client(api.baseUrl, clinic.token);
  base = `/api/v1/${clinic.orgId}`;
  counter = countStages(db);
});
afterAll(async () => {
  counter.remove();
  await api.close();
});

let dayCounter = 0;
const freshDay = () => DateTime.now().setZone(LA).plus({ days: 20 + ++dayCounter }).toISODate()!;

function booking(day: string, overrides: Record<string, unknown> = {}) {
  return {
    patient_uuid: clinic.patients.jane.uuid,
    appointment_type_uuid: clinic.types.exam.uuid,
    location_uuid: clinic.location.uuid,
    provider_uuid: clinic.dentist.uuid,
    scheduled_start: `${day}T10:00:00`,
    scheduled_end: `${day}T11:00:00`,
    ...overrides,
  };
}

async function measure(expectedStatus: number, request: () => Promise<{ status: number; body: any }>): Promise<StageCount & { body: any }> {
  const { result, count } = await counter.measure(request);
  expect(result.status, JSON.stringify(result.body)).toBe(expectedStatus);
  return { ...count, body: result.body };
}

describe('sequential DynamoDB stages per request (token lookup included)', () => {
  it('booking: 2 with the operatory given, 3 auto-assigned, 2 for a conflicting 409', async () => {
    const day = freshDay();
    const given = await measure(201, () => http.post(`${base}/appointments`, booking(day, { operatory_uuid: clinic.operatories[0]!.uuid })));
    expect(given.stages).toBeLessThanOrEqual(2);
    // The token's key rides in the references' batch read (request-gate.ts): two calls in all.
    expect(given.calls).toEqual({ BatchGetItemCommand: 1, TransactWriteItemsCommand: 1 });
    const auto = await measure(201, () => http.post(`${base}/appointments`, booking(freshDay())));
    expect(auto.stages).toBeLessThanOrEqual(3);
    // The location lists its chairs: no Query for them; the chairs come with their locks. The token
    // rides in the first batch read.
    expect(auto.calls).toEqual({ BatchGetItemCommand: 2, TransactWriteItemsCommand: 1 });
    const conflict = await measure(409, () => http.post(`${base}/appointments`, booking(day, { operatory_uuid: clinic.operatories[1]!.uuid })));
    expect(conflict.stages).toBeLessThanOrEqual(2);
    console.log(`booking stages: given ${given.stages} ${JSON.stringify(given.calls)}; auto ${auto.stages} ${JSON.stringify(auto.calls)}; 409 ${conflict.stages}`);
  });

  it('availability: at most 3 whatever the range', async () => {
    for (const days of [0, 6, 13]) {
      const from = freshDay();
      const to = DateTime.fromISO(from).plus({ days }).toISODate()!;
      const params = new URLSearchParams({ location_uuid: clinic.location.uuid, appointment_type_uuid: clinic.types.exam.uuid, date_from: from, date_to: to });
      const count = await measure(200, () => http.get(`${base}/schedule/availability?${params}`));
      expect(count.stages, `${days + 1} days`).toBeLessThanOrEqual(3);
      console.log(`availability ${days + 1} days: ${count.stages} stages ${JSON.stringify(count.calls)}`);
    }
  });

  it('reschedule 3, status change and cancel 2, GET appointment 2', async () => {
    const day = freshDay();
    const created = await http.post(`${base}/appointments`, booking(day, { operatory_uuid: clinic.operatories[2]!.uuid }));
    const path = `${base}/appointments/${created.body.uuid}`;
    const read = await measure(200, () => http.get(path));
    expect(read.stages).toBeLessThanOrEqual(2);
    const moved = await measure(200, () => http.call('PATCH', path, { body: { scheduled_start: `${day}T12:00:00`, scheduled_end: `${day}T13:00:00` } }));
    expect(moved.stages).toBeLessThanOrEqual(3);
    const confirmed = await measure(200, () => http.call('PATCH', `${path}/status`, { body: { status: 'confirmed' } }));
    expect(confirmed.stages).toBeLessThanOrEqual(2);
    const cancelled = await measure(200, () => http.call('PATCH', `${path}/status`, { body: { status: 'cancelled', reason: 'moved away' } }));
    expect(cancelled.stages).toBeLessThanOrEqual(2);
    console.log(`get ${read.stages}, reschedule ${moved.stages} ${JSON.stringify(moved.calls)}, status ${confirmed.stages}, cancel ${cancelled.stages}`);
  });

  it('patient search 2, create patient 2', async () => {
    const search = await measure(200, () => http.get(`${base}/patients?query=smith`));
    expect(search.stages).toBeLessThanOrEqual(2);
    const create = await measure(201, () => http.post(`${base}/patients`, { first_name: 'Round', last_name: 'Trip', date_of_birth: '1980-02-02' }));
    expect(create.stages).toBeLessThanOrEqual(2);
    const keyed = await measure(201, () => http.post(`${base}/patients`, { first_name: 'Round', last_name: 'Trip', date_of_birth: '1980-02-03' }, { headers: { 'idempotency-key': `rt-${Date.now()}` } }));
    expect(keyed.stages).toBeLessThanOrEqual(2);
    console.log(`search ${search.stages} ${JSON.stringify(search.calls)}, create ${create.stages}, create with key ${keyed.stages}`);
  });

  it('patient search by every criterion with archived 2, patient change 2', async () => {
    const search = await measure(200, () => http.get(`${base}/patients?query=smith&phone=4155550148&email=jane.smith%40example.com&date_of_birth=1986-04-12&include_archived=true`));
    expect(search.stages).toBeLessThanOrEqual(2);
    expect(search.body.items.map((p: { uuid: string }) => p.uuid)).toEqual([clinic.patients.jane.uuid]);
    const change = await measure(200, () => http.call('PATCH', `${base}/patients/${clinic.patients.jonathan.uuid}`, { body: { primary_phone: '+1 415 555 0999' } }));
    expect(change.stages).toBeLessThanOrEqual(2);
    const archive = await measure(200, () => http.call('PATCH', `${base}/patients/${clinic.patients.jonathan.uuid}`, { body: { is_active: false }, headers: { 'if-match': '"2"' } }));
    expect(archive.stages).toBeLessThanOrEqual(2);
    console.log(`search by all ${search.stages} ${JSON.stringify(search.calls)}, change ${change.stages}, archive ${archive.stages}`);
  });

  it('clinical notes: write 2 (an amendment and a keyed write too), a page 2 with its audit entry', async () => {
    const day = freshDay();
    const booked = await http.post(`${base}/appointments`, booking(day, { operatory_uuid: clinic.operatories[1]!.uuid }));
    const notes = `${base}/appointments/${booked.body.uuid}/notes`;
    const write = await measure(201, () => http.post(notes, { text: 'round-trip note' }));
    expect(write.stages).toBeLessThanOrEqual(2);
    // The appointment, the count and the amended note's pointer in one BatchGetItem that carries the token's key; one transaction.
    const amend = await measure(201, () => http.post(notes, { text: 'round-trip correction', amends: write.body.uuid, reason: 'typo' }));
    expect(amend.stages).toBeLessThanOrEqual(2);
    expect(amend.calls).toEqual({ BatchGetItemCommand: 1, TransactWriteItemsCommand: 1 });
    const keyed = await measure(201, () => http.post(notes, { text: 'round-trip keyed' }, { headers: { 'idempotency-key': `rt-note-${Date.now()}` } }));
    expect(keyed.stages).toBeLessThanOrEqual(2);
    const page = await measure(200, () => http.get(`${notes}?page_size=2`));
    expect(page.stages).toBeLessThanOrEqual(2);
    expect(page.body.total).toBe(3);
    console.log(`note write ${write.stages} ${JSON.stringify(write.calls)}, amend ${amend.stages}, keyed ${keyed.stages}, page ${page.stages} ${JSON.stringify(page.calls)}`);
  });

  it('webhooks: a read, the list and the delivery log 1 (the token rides along or beside), every change 2', async () => {
    const create = await measure(201, () => http.post(`${base}/webhooks`, { url: 'http://127.0.0.1:9/rt', event_types: ['*'] }));
    expect(create.stages).toBeLessThanOrEqual(2);
    const keyed = await measure(201, () => http.post(`${base}/webhooks`, { url: 'http://127.0.0.1:9/rt2', event_types: ['*'] }, { headers: { 'idempotency-key': `rt-hook-${Date.now()}` } }));
    expect(keyed.stages).toBeLessThanOrEqual(2);
    const path = `${base}/webhooks/${create.body.uuid}`;
    const read = await measure(200, () => http.get(path));
    expect(read.stages).toBe(1);
    expect(read.calls).toEqual({ BatchGetItemCommand: 1 });
    const list = await measure(200, () => http.get(`${base}/webhooks`));
    expect(list.stages).toBeLessThanOrEqual(1);
    const log = await measure(200, () => http.get(`${path}/deliveries`));
    expect(log.stages).toBeLessThanOrEqual(1);
    const change = await measure(200, () => http.call('PATCH', path, { body: { description: 'rt' }, headers: { 'if-match': '"1"' } }));
    expect(change.stages).toBeLessThanOrEqual(2);
    const rotate = await measure(200, () => http.post(`${path}/rotate-secret`, {}));
    expect(rotate.stages).toBeLessThanOrEqual(2);
    const test = await measure(202, () => http.post(`${path}/test`, {}));
    expect(test.stages).toBeLessThanOrEqual(2);
    expect(test.calls).toEqual({ GetItemCommand: 1, TransactWriteItemsCommand: 1 });
    const retry = await measure(404, () => http.post(`${base}/deliveries/${create.body.uuid}/retry`, {}));
    expect(retry.stages).toBeLessThanOrEqual(2);
    const remove = await measure(204, () => http.call('DELETE', path));
    expect(remove.stages).toBeLessThanOrEqual(2);
    console.log(`webhooks: create ${create.stages}, read ${read.stages}, list ${list.stages} ${JSON.stringify(list.calls)}, log ${log.stages} ${JSON.stringify(log.calls)}, change ${change.stages}, rotate ${rotate.stages}, test ${test.stages}, delete ${remove.stages}`);
  });

  it('the event feed: 1 (one Query of the outbox, the token read beside it), with a cursor too', async () => {
    const first = await measure(200, () => http.get(`${base}/events?limit=100`));
    expect(first.stages).toBeLessThanOrEqual(1);
    expect(first.calls).toEqual({ GetItemCommand: 1, QueryCommand: 1 });
    const after = await measure(200, () => http.get(`${base}/events?after=evt_01JTX9RBR0BPZQZF0EM8PW4BJT&limit=1`));
    expect(after.stages).toBeLessThanOrEqual(1);
    console.log(`events ${first.stages} ${JSON.stringify(first.calls)}, with a cursor ${after.stages}`);
  });

  it('whoami: 2 (the token, then its organisation), with no org in the path', async () => {
    const who = await measure(200, () => http.get(routes.whoami.path));
    expect(who.stages).toBeLessThanOrEqual(2);
    expect(who.calls).toEqual({ GetItemCommand: 2 });
    expect(who.body.org_id).toBe(clinic.orgId);
  });
});
