/**
 * Webhook delivery end to end against DynamoDB Local and a real HTTP receiver on 127.0.0.1 (local
 * mode: `allowLocalHttp`), with a fake clock and a recording RetryScheduler (our seams; DynamoDB is
 * real). Endpoint items are put as the admin routes store them (secrets sealed), event items as the
 * outbox writes them, and the dispatcher is called as the stream and the scheduler call it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { getOne } from '#shared/db/operations.ts';
import { eventRecord, type EventRecord } from '#shared/domain/events.ts';
import { deliveryIdOf } from '#shared/db/repositories/deliveries.ts';
import { dispatchItems, pendingRetries, runRetry, type DispatchDeps } from '#shared/webhooks/dispatcher.ts';
import { GONE_REASON } from '#shared/webhooks/attempt-plan.ts';
import type { AttemptRecord, DeliveryRecord, RetryJob, WebhookEndpointRecord } from '#shared/webhooks/model.ts';
import { newWebhookSecret, sealSecret } from '#shared/webhooks/secret-box.ts';
import { attemptDelivery, USER_AGENT } from '#shared/webhooks/sender.ts';
import { useClinic } from '../helpers/use-clinic.ts';

type Received = { path: string; headers: IncomingMessage['headers']; body: string };
type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A receiver: each test answers on paths of its own; every request is recorded. */
function startReceiver() {
  const received: Received[] = [];
  const handlers = new Map<string, Handler>();
  const held: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      received.push({ path, headers: req.headers, body });
      const handler = handlers.get(path) ?? ((_q, r) => r.writeHead(204).end());
      handler(req, res, received.filter((r) => r.path === path).length);
    });
  });
  return {
    received,
    held,
    at: (path: string) => received.filter((r) => r.path === path),
    on: (path: string, handler: Handler) => handlers.set(path, handler),
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const receiver = startReceiver();
const elsewhere = startReceiver(); // the target of redirects: must hear nothing
let port = 0;
let elsewherePort = 0;

const fixture = useClinic();
let clock: Date;
let jobs: RetryJob[];
let deps: DispatchDeps;

beforeAll(async () => {
  port = await receiver.listen();
  elsewherePort = await elsewhere.listen();
  // One API request, so this file's log capture has the access log line the PHI check reads.
  const res = await fixture.http.get(`/api/v1/whoami`, { contract: false });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await receiver.close();
  await elsewhere.close();
});
beforeEach(() => {
  clock = new Date();
  jobs = [];
  deps = { now: () => clock, scheduler: { schedule: async (job) => void jobs.push(job) }, allowLocalHttp: true, random: () => 0.5 };
});

const url = (path: string, query = '') => `http://127.0.0.1:${port}${path}${query}`;

async function putEndpoint(orgId: string, path: string, options: { eventTypes?: string[]; secrets?: { secret: string; expires_at: string | null }[]; url?: string } = {}) {
  const uuid = randomUUID();
  const secrets = options.secrets ?? [{ secret: newWebhookSecret(), expires_at: null }];
  const now = new Date().toISOString();
  const record: WebhookEndpointRecord = {
    ...keys.webhookEndpoint(orgId, uuid),
    entity: 'webhook-endpoint',
    uuid,
    org_id: orgId,
    url: options.url ?? url(path),
    event_types: options.eventTypes ?? ['appointment.*'],
    description: null,
    active: true,
    disabled_reason: null,
    disabled_at: null,
    failing_since: null,
    secrets: await Promise.all(secrets.map(async (s) => ({ sealed: await sealSecret(s.secret), created_at: now, expires_at: s.expires_at }))),
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await db.send(new PutCommand({ TableName: tableName, Item: record }));
  return { uuid, secret: secrets[0]!.secret, secrets: secrets.map((s) => s.secret), record };
}

async function putEvent(orgId: string, type: 'appointment.booked' | 'patient.created' | 'webhook.test' = 'appointment.booked', onlyEndpoint?: string): Promise<EventRecord> {
  const data =
    type === 'patient.created'
      ? { patient_uuid: randomUUID() }
      : type === 'webhook.test'
        ? { endpoint_uuid: onlyEndpoint! }
        : { appointment_uuid: randomUUID(), location_uuid: randomUUID(), status: 'scheduled', previous_status: null, version: '"1"' };
  const record = eventRecord(orgId, { type, data, ...(onlyEndpoint ? { only_endpoint: onlyEndpoint } : {}) } as never, clock);
  await db.send(new PutCommand({ TableName: tableName, Item: record }));
  return record;
}

const delivery = async (orgId: string, event: EventRecord, endpointUuid: string) => (await getOne(keys.webhookDelivery(orgId, deliveryIdOf(event.event_id, endpointUuid)))) as DeliveryRecord | undefined;
const endpointItem = async (orgId: string, uuid: string) => (await getOne(keys.webhookEndpoint(orgId, uuid))) as WebhookEndpointRecord;
async function attemptLog(orgId: string, endpointUuid: string): Promise<AttemptRecord[]> {
  const out = await db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.webhookAttempts(orgId, endpointUuid).pk }, ConsistentRead: true }));
  return (out.Items ?? []) as AttemptRecord[];
}
const verify = (secret: string, r: Received) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
const fresh = () => `/${randomUUID()}`;

describe('webhook delivery', () => {
  it('2xx: delivered once, signed (standardwebhooks verifies), webhook-id = the event id, the stored body byte for byte', async () => {
    const org = randomUUID();
    const path = fresh();
    const ep = await putEndpoint(org, path);
    const event = await putEvent(org);
    await dispatchItems([event], deps);

    const got = receiver.at(path);
    expect(got).toHaveLength(1);
    expect(got[0]!.body).toBe(event.body);
    expect(got[0]!.headers['webhook-id']).toBe(event.event_id);
    expect(got[0]!.headers['content-type']).toBe('application/json');
    expect(got[0]!.headers['user-agent']).toBe(USER_AGENT);
    expect(verify(ep.secret, got[0]!)).toEqual(JSON.parse(event.body));
    expect(() => verify(newWebhookSecret(), got[0]!)).toThrow();

    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'delivered', attempts: 1, last_status_code: 204, last_error_class: null, next_attempt_at: null, event_id: event.event_id, endpoint_uuid: ep.uuid });
    const log = await attemptLog(org, ep.uuid);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ entity: 'delivery-attempt', attempt: 1, status_code: 204, error_class: null, next_attempt_at: null, event_id: event.event_id });
    expect(log[0]!.latency_ms).toBeGreaterThanOrEqual(0);
    expect(log[0]!.expires_at).toBeGreaterThan(Date.now() / 1000 + 29 * 86400);
    expect(jobs).toEqual([]);
  });

  it('500: a retry is scheduled; run on the fake clock it sends the same webhook-id and body, and then succeeds', async () => {
    const org = randomUUID();
    const path = fresh();
    receiver.on(path, (_q, res, n) => res.writeHead(n === 1 ? 500 : 200).end('internal details the sender must not keep'));
    const ep = await putEndpoint(org, path);
    const event = await putEvent(org);
    await dispatchItems([event], deps);

    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job).toMatchObject({ org_id: org, delivery_uuid: deliveryIdOf(event.event_id, ep.uuid), attempt: 2 });
    expect(Date.parse(job.at) - clock.getTime()).toBe(5000);
    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'pending', attempts: 1, last_status_code: 500, last_error_class: 'http_status', next_attempt_at: job.at });
    const failing = await endpointItem(org, ep.uuid);
    expect(failing.failing_since).toBe(clock.toISOString());
    expect(failing.active).toBe(true);

    clock = new Date(job.at);
    await runRetry(job, deps);
    const got = receiver.at(path);
    expect(got).toHaveLength(2);
    expect(got[1]!.headers['webhook-id']).toBe(event.event_id);
    expect(got[1]!.body).toBe(got[0]!.body);
    expect(verify(ep.secret, got[1]!)).toEqual(JSON.parse(event.body));
    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'delivered', attempts: 2, last_status_code: 200 });
    expect((await endpointItem(org, ep.uuid)).failing_since).toBeNull();
    const log = await attemptLog(org, ep.uuid);
    expect(log.map((a) => [a.attempt, a.status_code])).toEqual([[1, 500], [2, 200]]);
    expect(JSON.stringify(log)).not.toContain('internal details');
    expect(jobs).toHaveLength(1);

    // The same job again (a scheduler that fired twice): its attempt was made, nothing is sent.
    await runRetry(job, deps);
    expect(receiver.at(path)).toHaveLength(2);
  });

  it('one retry run twice at once records one attempt (the transaction is conditioned on the count read)', async () => {
    const org = randomUUID();
    const path = fresh();
    receiver.on(path, (_q, res) => res.writeHead(500).end());
    const ep = await putEndpoint(org, path);
    const event = await putEvent(org);
    await dispatchItems([event], deps);
    const job = jobs[0]!;
    clock = new Date(job.at);
    // Each run on its own clock reading, as two function instances would be.
    const later = (ms: number): DispatchDeps => ({ ...deps, now: () => new Date(Date.parse(job.at) + ms) });
    await Promise.all([runRetry(job, later(1)), runRetry(job, later(2))]);
    expect(receiver.at(path).length).toBeGreaterThanOrEqual(2);
    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'pending', attempts: 2 });
    expect((await attemptLog(org, ep.uuid)).map((a) => a.attempt)).toEqual([1, 2]);
  });

  it('410: the endpoint is disabled at once with the reason, the delivery fails, nothing is retried', async () => {
    const org = randomUUID();
    const path = fresh();
    receiver.on(path, (_q, res) => res.writeHead(410).end());
    const ep = await putEndpoint(org, path);
    const event = await putEvent(org);
    await dispatchItems([event], deps);

    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'failed', attempts: 1, last_status_code: 410, next_attempt_at: null });
    expect(await endpointItem(org, ep.uuid)).toMatchObject({ active: false, disabled_reason: GONE_REASON, disabled_at: clock.toISOString(), version: 2 });
    expect(jobs).toEqual([]);

    // Inactive: the next event goes nowhere.
    await dispatchItems([await putEvent(org)], deps);
    expect(receiver.at(path)).toHaveLength(1);
  });

  it('3xx: a failure, and the redirect is not followed', async () => {
    const org = randomUUID();
    const path = fresh();
    receiver.on(path, (_q, res) => res.writeHead(307, { location: `http://127.0.0.1:${elsewherePort}/stolen` }).end());
    const ep = await putEndpoint(org, path);
    const event = await putEvent(org);
    await dispatchItems([event], deps);

    expect(receiver.at(path)).toHaveLength(1);
    expect(elsewhere.received).toHaveLength(0);
    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'pending', attempts: 1, last_status_code: 307, last_error_class: 'http_status' });
    expect(jobs).toHaveLength(1);
  });

  it('a receiver that never answers: timeout, and a retry', async () => {
    const org = randomUUID();
    const path = fresh();
    receiver.on(path, (_q, res) => void receiver.held.push(res));
    const ep = await putEndpoint(org, path);
    const event = await putEvent(org);
    await dispatchItems([event], { ...deps, timeoutMs: 1500 });

    expect(receiver.at(path)).toHaveLength(1);
    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'pending', attempts: 1, last_status_code: null, last_error_class: 'timeout' });
    const log = await attemptLog(org, ep.uuid);
    expect(log[0]).toMatchObject({ status_code: null, error_class: 'timeout' });
    expect(jobs).toHaveLength(1);
  });

  it('rotation: the new and the old secret each sign; an expired one no longer does', async () => {
    const org = randomUUID();
    const path = fresh();
    const [newest, old, expired] = [newWebhookSecret(), newWebhookSecret(), newWebhookSecret()];
    const ep = await putEndpoint(org, path, {
      secrets: [
        { secret: newest, expires_at: null },
        { secret: old, expires_at: new Date(clock.getTime() + 3_600_000).toISOString() },
        { secret: expired, expires_at: new Date(clock.getTime() - 1000).toISOString() },
      ],
    });
    const event = await putEvent(org);
    await dispatchItems([event], deps);

    const [got] = receiver.at(path);
    expect(String(got!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(newest, got!)).toEqual(JSON.parse(event.body));
    expect(verify(old, got!)).toEqual(JSON.parse(event.body));
    expect(() => verify(expired, got!)).toThrow();
    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'delivered' });
  });

  it('the same event twice (in one batch, again, and at once): one delivery, one request', async () => {
    const org = randomUUID();
    const path = fresh();
    const ep = await putEndpoint(org, path);
    const event = await putEvent(org);
    await dispatchItems([event, { ...event }], deps);
    await dispatchItems([event], deps);
    await Promise.all([dispatchItems([event], deps), dispatchItems([event], deps)]);
    expect(receiver.at(path)).toHaveLength(1);
    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(await attemptLog(org, ep.uuid)).toHaveLength(1);

    // Two runs at once: the one that found the delivery made asks for a safety retry, which finds the attempt made.
    const org2 = randomUUID();
    const path2 = fresh();
    const ep2 = await putEndpoint(org2, path2);
    const event2 = await putEvent(org2);
    await Promise.all([dispatchItems([event2], deps), dispatchItems([event2], deps)]);
    expect(receiver.at(path2)).toHaveLength(1);
    for (const job of jobs) {
      clock = new Date(job.at);
      await runRetry(job, deps);
    }
    expect(receiver.at(path2)).toHaveLength(1);
    expect(await delivery(org2, event2, ep2.uuid)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('a delivery created but never attempted (its run died) is attempted when the event comes again after the grace', async () => {
    const org = randomUUID();
    const path = fresh();
    const ep = await putEndpoint(org, path);
    const event = await putEvent(org);
    const id = deliveryIdOf(event.event_id, ep.uuid);
    const { newDeliveryRecord } = await import('#shared/db/repositories/deliveries.ts');
    await db.send(new PutCommand({ TableName: tableName, Item: newDeliveryRecord(event, ep.uuid, clock, new Date(clock.getTime() + 60_000)) }));
    expect(await pendingRetries(100_000)).toContainEqual({ org_id: org, delivery_uuid: id, attempt: 1, at: new Date(clock.getTime() + 60_000).toISOString() });

    // Within the grace: not attempted, but a retry is armed for its end.
    await dispatchItems([event], deps);
    expect(receiver.at(path)).toHaveLength(0);
    expect(jobs).toEqual([{ org_id: org, delivery_uuid: id, attempt: 1, at: new Date(clock.getTime() + 60_000).toISOString() }]);
    clock = new Date(jobs[0]!.at);
    await runRetry(jobs[0]!, deps);
    expect(receiver.at(path)).toHaveLength(1);
    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'delivered', attempts: 1 });
    expect((await pendingRetries(100_000)).some((j) => j.delivery_uuid === id)).toBe(false);
  });

  it('one organisation never receives another organisation\'s events', async () => {
    const [orgA, orgB] = [randomUUID(), randomUUID()];
    const [pathA, pathB] = [fresh(), fresh()];
    const a = await putEndpoint(orgA, pathA, { eventTypes: ['*'] });
    const b = await putEndpoint(orgB, pathB, { eventTypes: ['*'] });
    const eventA = await putEvent(orgA);
    const patientB = await putEvent(orgB, 'patient.created');
    // A test event of org A naming org B's endpoint reaches nobody.
    const crossTest = await putEvent(orgA, 'webhook.test', b.uuid);
    await dispatchItems([eventA, patientB, crossTest], deps);

    expect(receiver.at(pathA).map((r) => r.headers['webhook-id'])).toEqual([eventA.event_id]);
    expect(receiver.at(pathB).map((r) => r.headers['webhook-id'])).toEqual([patientB.event_id]);
    expect(JSON.parse(receiver.at(pathB)[0]!.body).org_id).toBe(orgB);
    expect(verify(a.secret, receiver.at(pathA)[0]!)).toMatchObject({ org_id: orgA });
    expect(() => verify(a.secret, receiver.at(pathB)[0]!)).toThrow();
  });

  it('webhook.test goes to the endpoint it names only, whatever the others subscribe to', async () => {
    const org = randomUUID();
    const [p1, p2] = [fresh(), fresh()];
    const one = await putEndpoint(org, p1, { eventTypes: ['*'] });
    await putEndpoint(org, p2, { eventTypes: ['*'] });
    const test = await putEvent(org, 'webhook.test', one.uuid);
    await dispatchItems([test], deps);
    expect(receiver.at(p1)).toHaveLength(1);
    expect(receiver.at(p2)).toHaveLength(0);
    expect(JSON.parse(receiver.at(p1)[0]!.body)).toMatchObject({ type: 'webhook.test', data: { endpoint_uuid: one.uuid } });
  });

  it('a requested delivery is attempted now, counting on from its attempts', async () => {
    const org = randomUUID();
    const path = fresh();
    receiver.on(path, (_q, res, n) => res.writeHead(n <= 1 ? 503 : 202).end());
    const ep = await putEndpoint(org, path);
    const event = await putEvent(org);
    await dispatchItems([event], deps);
    const id = deliveryIdOf(event.event_id, ep.uuid);
    // As the retry route does: the delivery asks for an attempt now.
    const out = await db.send(new UpdateCommand({ TableName: tableName, Key: keys.webhookDelivery(org, id), UpdateExpression: 'SET #s = :r', ExpressionAttributeNames: { '#s': 'state' }, ExpressionAttributeValues: { ':r': 'requested' }, ReturnValues: 'ALL_NEW' }));
    await dispatchItems([out.Attributes!], deps);

    expect(receiver.at(path)).toHaveLength(2);
    expect(receiver.at(path)[1]!.headers['webhook-id']).toBe(event.event_id);
    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'delivered', attempts: 2, last_status_code: 202 });
    // The stream handing the same image again: no longer requested, nothing sent.
    await dispatchItems([out.Attributes!], deps);
    expect(receiver.at(path)).toHaveLength(2);
    // The pending retry of the first failure finds its attempt made by someone else: nothing.
    await runRetry(jobs[0]!, deps);
    expect(receiver.at(path)).toHaveLength(2);
  });

  it('a requested delivery whose event expired, or whose endpoint was deleted, fails without a request', async () => {
    const org = randomUUID();
    const path = fresh();
    receiver.on(path, (_q, res) => res.writeHead(500).end());
    const ep = await putEndpoint(org, path);
    const [e1, e2] = [await putEvent(org), await putEvent(org)];
    await dispatchItems([e1, e2], deps);
    expect(receiver.at(path)).toHaveLength(2);

    const request = async (event: EventRecord) =>
      (await db.send(new UpdateCommand({ TableName: tableName, Key: keys.webhookDelivery(org, deliveryIdOf(event.event_id, ep.uuid)), UpdateExpression: 'SET #s = :r', ExpressionAttributeNames: { '#s': 'state' }, ExpressionAttributeValues: { ':r': 'requested' }, ReturnValues: 'ALL_NEW' }))).Attributes!;
    await db.send(new DeleteCommand({ TableName: tableName, Key: keys.event(org, e1.event_id) }));
    await dispatchItems([await request(e1)], deps);
    expect(await delivery(org, e1, ep.uuid)).toMatchObject({ state: 'failed', attempts: 1, last_error_class: 'event_expired' });

    await db.send(new DeleteCommand({ TableName: tableName, Key: keys.webhookEndpoint(org, ep.uuid) }));
    await dispatchItems([await request(e2)], deps);
    expect(await delivery(org, e2, ep.uuid)).toMatchObject({ state: 'failed', attempts: 1, last_error_class: 'endpoint_inactive' });
    expect(receiver.at(path)).toHaveLength(2);
    // The scheduled retries find the deliveries no longer pending.
    for (const job of jobs) await runRetry(job, deps);
    expect(receiver.at(path)).toHaveLength(2);
  });

  it('an endpoint disabled before its retry: the delivery fails as endpoint_inactive, no request', async () => {
    const org = randomUUID();
    const path = fresh();
    receiver.on(path, (_q, res) => res.writeHead(502).end());
    const ep = await putEndpoint(org, path);
    const event = await putEvent(org);
    await dispatchItems([event], deps);
    await db.send(new UpdateCommand({ TableName: tableName, Key: keys.webhookEndpoint(org, ep.uuid), UpdateExpression: 'SET active = :f', ExpressionAttributeValues: { ':f': false } }));
    clock = new Date(jobs[0]!.at);
    await runRetry(jobs[0]!, deps);
    expect(receiver.at(path)).toHaveLength(1);
    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'failed', attempts: 1, last_error_class: 'endpoint_inactive' });
  });

  it('retries exhausted: ten attempts with one webhook-id, then the delivery fails and the endpoint is inactive with the reason', async () => {
    const org = randomUUID();
    const path = fresh();
    receiver.on(path, (_q, res) => res.writeHead(500).end());
    const ep = await putEndpoint(org, path);
    const event = await putEvent(org);
    // Every delay at its shortest (−20 %): the tenth attempt comes about 2.5 days after the first failure.
    deps.random = () => 0;
    const firstFailure = clock.toISOString();
    await dispatchItems([event], deps);
    for (let i = 0; i < 9; i++) {
      const job = jobs[i]!;
      expect(job.attempt).toBe(i + 2);
      clock = new Date(job.at);
      await runRetry(job, deps);
    }
    expect(jobs).toHaveLength(9);
    const got = receiver.at(path);
    expect(got).toHaveLength(10);
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set([event.event_id]));
    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'failed', attempts: 10, next_attempt_at: null, last_status_code: 500 });
    expect(await endpointItem(org, ep.uuid)).toMatchObject({ active: false, disabled_reason: `failing since ${firstFailure} (retries exhausted)`, disabled_at: clock.toISOString(), failing_since: firstFailure });
    expect(await attemptLog(org, ep.uuid)).toHaveLength(10);
  });

  it('failing for three days: the endpoint is set inactive with why', async () => {
    const org = randomUUID();
    const path = fresh();
    receiver.on(path, (_q, res) => res.writeHead(500).end());
    const ep = await putEndpoint(org, path);
    const since = new Date(clock.getTime() - 3 * 86_400_000 - 1000).toISOString();
    await db.send(new UpdateCommand({ TableName: tableName, Key: keys.webhookEndpoint(org, ep.uuid), UpdateExpression: 'SET failing_since = :s', ExpressionAttributeValues: { ':s': since } }));
    const event = await putEvent(org);
    await dispatchItems([event], deps);
    expect(await endpointItem(org, ep.uuid)).toMatchObject({ active: false, disabled_reason: `failing since ${since} (3 days)` });
    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'failed', attempts: 1 });
    expect(jobs).toEqual([]);
  });

  it('429 and 503 with Retry-After: the retry is scheduled when the receiver asked', async () => {
    const org = randomUUID();
    const [p429, p503] = [fresh(), fresh()];
    receiver.on(p429, (_q, res) => res.writeHead(429, { 'retry-after': '120' }).end());
    receiver.on(p503, (_q, res) => res.writeHead(503, { 'retry-after': new Date(clock.getTime() + 600_000).toUTCString() }).end());
    const e429 = await putEndpoint(org, p429, { eventTypes: ['appointment.booked'] });
    const e503 = await putEndpoint(org, p503, { eventTypes: ['appointment.booked'] });
    const event = await putEvent(org);
    await dispatchItems([event], deps);

    const jobOf = (uuid: string) => jobs.find((j) => j.delivery_uuid === deliveryIdOf(event.event_id, uuid))!;
    expect(Date.parse(jobOf(e429.uuid).at) - clock.getTime()).toBe(120_000);
    const wait503 = Date.parse(jobOf(e503.uuid).at) - clock.getTime();
    expect(wait503).toBeGreaterThan(598_000);
    expect(wait503).toBeLessThanOrEqual(601_000);
    expect(await delivery(org, event, e429.uuid)).toMatchObject({ state: 'pending', last_status_code: 429, next_attempt_at: jobOf(e429.uuid).at });
  });

  it('in AWS mode a loopback receiver is refused before any connection', async () => {
    const org = randomUUID();
    const path = fresh();
    const ep = await putEndpoint(org, path);
    const event = await putEvent(org);
    await dispatchItems([event], { ...deps, allowLocalHttp: false });
    expect(receiver.at(path)).toHaveLength(0);
    expect(await delivery(org, event, ep.uuid)).toMatchObject({ state: 'pending', attempts: 1, last_status_code: null, last_error_class: 'address_refused' });
    const viaName = await attemptDelivery({ url: `https://hooks.example.com:${port}${path}`, headers: {}, body: '{}', allowLocalHttp: false, resolver: async () => [{ address: '127.0.0.1', family: 4 }] });
    expect(viaName).toMatchObject({ ok: false, error_class: 'address_refused', status_code: null });
    expect(receiver.at(path)).toHaveLength(0);
  });

  it('the sender keeps the Host of the URL, reads at most 64 KiB of an answer, and reports a refused connection', async () => {
    const path = fresh();
    // Far more than is read (64 MiB, beyond any socket buffer): the sender drops the connection instead of reading on.
    let ended: (finished: boolean) => void;
    const answerEnded = new Promise<boolean>((resolve) => (ended = resolve));
    receiver.on(path, (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(64 * 1024);
      let n = 0;
      res.on('close', () => ended(res.writableFinished));
      const more = () => {
        while (n < 1024 && !res.destroyed) {
          n++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        if (!res.destroyed) res.end();
      };
      more();
    });
    const outcome = await attemptDelivery({ url: `http://localhost:${port}${path}?a=1`, headers: { 'webhook-id': 'evt_x' }, body: '{"a":1}', allowLocalHttp: true });
    expect(outcome).toMatchObject({ ok: true, status_code: 200, error_class: null, gone: false, retry_after_s: null });
    expect(await answerEnded, 'the 64 MiB answer was read to its end').toBe(false);
    const [got] = receiver.at(path);
    expect(got!.headers.host).toBe(`localhost:${port}`);
    expect(got!.body).toBe('{"a":1}');

    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    expect(await attemptDelivery({ url: `http://127.0.0.1:${closed}/`, headers: {}, body: '{}', allowLocalHttp: true })).toMatchObject({ ok: false, error_class: 'connection', status_code: null });
  });

  it('logs ids and classes, never a body, a URL or a secret', async () => {
    const org = randomUUID();
    const path = fresh();
    receiver.on(path, (_q, res) => res.writeHead(500).end('receiver-words-never-logged'));
    const ep = await putEndpoint(org, path, { url: url(path, '?token=query-secret-never-logged') });
    const event = await putEvent(org);
    await dispatchItems([event], deps);
    const capture = (globalThis as Record<symbol, { lines: string[] } | undefined>)[Symbol.for('dental-booking.log-capture')];
    const logs = capture!.lines.join('');
    expect(logs).toContain(event.event_id);
    expect(logs).toContain('"webhook attempt"');
    for (const secretish of [ep.secret, ep.secret.slice(6), 'query-secret-never-logged', path.slice(1), event.body, 'receiver-words-never-logged', ep.record.secrets[0]!.sealed]) expect(logs).not.toContain(secretish);
  });
});
