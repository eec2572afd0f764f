/**
 * The webhook admin routes through the local API against DynamoDB Local: an endpoint's secret is
 * shown once and stored sealed (it opens to the same value), never shown again; PATCH with If-Match;
 * DELETE; rotation (two sealed secrets, the old one for 24 h); the test event (exactly one event item,
 * aimed at the endpoint); the delivery log and the retry of a delivery, from items put here as the
 * dispatcher writes them; the URL rules in local mode and in AWS mode; the 20-endpoint limit under
 * a burst of creates; and no access for read or write tokens.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { eventIdTime, payloadOf, type EventRecord } from '#shared/domain/events.ts';
import { MAX_WEBHOOK_ENDPOINTS } from '#shared/schemas/webhooks.ts';
import { routeList, pathOf } from '#shared/routes.ts';
import type { AttemptRecord, DeliveryRecord, WebhookEndpointRecord } from '#shared/webhooks/model.ts';
import { openSecret } from '#shared/webhooks/secret-box.ts';
import { createTestClinic, tokenFor, type TestClinic } from '../helpers/clinic.ts';
import { client, type ApiResponse } from '../helpers/local-api.ts';
import { useClinic, type Client } from '../helpers/use-clinic.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const LOCAL_URL = 'http://127.0.0.1:9/hooks';

const fixture = useClinic();
let clinic: TestClinic;
let http: Client;
let base: string;

beforeAll(() => ({ clinic, http, base } = fixture));

const stored = async (orgId: string, endpointId: string) =>
  (await db.send(new GetCommand({ TableName: tableName, Key: keys.webhookEndpoint(orgId, endpointId), ConsistentRead: true }))).Item as WebhookEndpointRecord | undefined;
const orgItem = async (orgId: string) => (await db.send(new GetCommand({ TableName: tableName, Key: keys.org(orgId), ConsistentRead: true }))).Item!;
const events = async (orgId: string) =>
  ((await db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.events(orgId).pk }, ConsistentRead: true }))).Items ?? []) as EventRecord[];
const delivery = async (orgId: string, deliveryId: string) =>
  (await db.send(new GetCommand({ TableName: tableName, Key: keys.webhookDelivery(orgId, deliveryId), ConsistentRead: true }))).Item as DeliveryRecord | undefined;

async function create(body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<ApiResponse<any>> {
  return http.post(`${base}/webhooks`, { url: LOCAL_URL, event_types: ['appointment.*'], ...body }, { headers });
}

async function created(body: Record<string, unknown> = {}) {
  const res = await create(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { uuid: string; secret: string };
}

/** Everything a response shows must be free of any secret, sealed or not. */
function expectNoSecret(body: unknown, ...secrets: string[]) {
  const text = JSON.stringify(body);
  expect(text).not.toContain('whsec_');
  expect(text).not.toContain('sealed');
  expect(text).not.toMatch(/"secrets?"/);
  for (const s of secrets) expect(text).not.toContain(s.slice('whsec_'.length));
}

/** Runs `work` as a stage in AWS would (no local targets), then restores local mode. */
async function inAwsMode<T>(work: () => Promise<T>): Promise<T> {
  process.env.WEBHOOKS_ALLOW_LOCAL_HTTP = 'false';
  try {
    return await work();
  } finally {
    process.env.WEBHOOKS_ALLOW_LOCAL_HTTP = 'true';
  }
}
afterEach(() => {
  process.env.WEBHOOKS_ALLOW_LOCAL_HTTP = 'true';
});

describe('creating an endpoint', () => {
  it('answers 201 with Location, ETag and the secret, shown once; the stored secret is sealed and opens to it', async () => {
    const res = await create({ event_types: ['appointment.booked', 'appointment.cancelled', 'appointment.booked'], description: 'Recall system' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const body = res.body;
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(res.headers.get('location')).toBe(`${base}/webhooks/${body.uuid}`);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(body).toEqual({
      uuid: expect.any(String),
      url: LOCAL_URL,
      event_types: ['appointment.booked', 'appointment.cancelled'],
      description: 'Recall system',
      active: true,
      disabled_reason: null,
      disabled_at: null,
      failing_since: null,
      secret_rotated_at: null,
      previous_secret_expires_at: null,
      created_at: expect.any(String),
      updated_at: body.created_at,
      secret: body.secret,
    });
    const item = (await stored(clinic.orgId, body.uuid))!;
    expect(item).toMatchObject({ entity: 'webhook-endpoint', uuid: body.uuid, org_id: clinic.orgId, url: LOCAL_URL, active: true, version: 1 });
    expect(item.secrets).toHaveLength(1);
    expect(item.secrets[0]!.expires_at).toBeNull();
    expect(await openSecret(item.secrets[0]!.sealed)).toBe(body.secret);
    // The secret itself is nowhere in the item.
    expect(JSON.stringify(item)).not.toContain(body.secret.slice('whsec_'.length));
  });

  it('never shows a secret again: not in the list, not in a read', async () => {
    const { uuid, secret } = await created();
    const one = await http.get(`${base}/webhooks/${uuid}`);
    expect(one.status).toBe(200);
    expect(one.headers.get('etag')).toBe('"1"');
    expectNoSecret(one.body, secret);
    const list = await http.get(`${base}/webhooks`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(list.body.items.length);
    expect(list.body.items.map((e: { uuid: string }) => e.uuid)).toContain(uuid);
    expectNoSecret(list.body, secret);
    expect((await http.get(`${base}/webhooks/${UNKNOWN}`)).status).toBe(404);
  });

  it('with an Idempotency-Key: a retry answers the first endpoint and its secret, and creates nothing; another body is a 422', async () => {
    const key = `hook-${randomUUID()}`;
    const body = { url: 'http://localhost:8080/idem', event_types: ['*'] };
    const first = await create(body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const before = (await http.get(`${base}/webhooks`)).body.total;
    const again = await create(body, { 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await http.get(`${base}/webhooks`)).body.total).toBe(before);
    const other = await create({ ...body, event_types: ['patient.created'] }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(other.body.type).toContain('idempotency-key-reused');
  });
});

describe('the URL and the event types', () => {
  const refusedUrls = [
    'http://hooks.example.com/x',
    'https://user:pw@hooks.example.com/x',
    'https://hooks.example.com/x#frag',
    'https://10.1.2.3/x',
    'https://172.16.0.1/x',
    'https://192.168.1.1/x',
    'https://169.254.169.254/latest/meta-data',
    'https://[fe80::1]/x',
    'https://[fd00::1]/x',
    'https://[::ffff:169.254.169.254]/x',
    'https://0.0.0.0/x',
    'ftp://hooks.example.com/x',
    'not a url',
  ];

  it('in local mode: http to 127.0.0.1, localhost and [::1] is allowed; anything else needs https and a public host', async () => {
    for (const url of ['http://127.0.0.1:4000/a', 'http://localhost:4000/b', 'http://[::1]:4000/c', 'https://hooks.example.com/d']) {
      const res = await create({ url });
      expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(201);
      await http.call('DELETE', `${base}/webhooks/${res.body.uuid}`);
    }
    for (const url of refusedUrls.filter((u) => u !== 'not a url')) {
      const res = await create({ url });
      expect(res.status, url).toBe(422);
      expect(res.body.errors, url).toEqual([{ path: 'body.url', message: expect.any(String) }]);
    }
  });

  it('in AWS mode: https only, and never a loopback or private host, whatever its spelling (422 on body.url)', async () => {
    const before = (await http.get(`${base}/webhooks`)).body.total;
    await inAwsMode(async () => {
      for (const url of [LOCAL_URL, 'https://127.0.0.1/x', 'https://2130706433/x', 'https://0x7f.1/x', 'https://localhost/x', 'https://api.localhost/x', 'https://[::1]/x', ...refusedUrls]) {
        const res = await create({ url });
        expect(res.status, url).toBe(url === 'not a url' ? 400 : 422);
        expect(res.body.errors.map((e: { path: string }) => e.path), url).toEqual(['body.url']);
      }
      const fine = await create({ url: 'https://Hooks.Example.com:8443/dental?x=1' });
      expect(fine.status).toBe(201);
      expect(fine.body.url).toBe('https://hooks.example.com:8443/dental?x=1');
      await http.call('DELETE', `${base}/webhooks/${fine.body.uuid}`);
      // PATCH follows the same rules.
      const { uuid } = (await inLocal(() => created())) as { uuid: string };
      const patched = await http.call('PATCH', `${base}/webhooks/${uuid}`, { body: { url: 'http://127.0.0.1:9/x' } });
      expect(patched.status).toBe(422);
      await http.call('DELETE', `${base}/webhooks/${uuid}`);
    });
    expect((await http.get(`${base}/webhooks`)).body.total).toBe(before);
  });

  it('refuses unknown event types (422), and malformed bodies (400), naming the field', async () => {
    const unknown = await create({ event_types: ['appointment.booked', 'appointment.exploded', 'invoice.*'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.event_types.1', 'body.event_types.2']);
    for (const [body, path] of [
      [{ event_types: [] }, 'body.event_types'],
      [{ event_types: Array.from({ length: 21 }, () => 'appointment.booked') }, 'body.event_types'],
      [{ event_types: ['Appointment Booked'] }, 'body.event_types.0'],
      [{ url: `https://hooks.example.com/${'x'.repeat(2048)}` }, 'body.url'],
      [{ url: 'https://hooks.example.com/\u00e9' }, 'body.url'],
      [{ description: 'x'.repeat(501) }, 'body.description'],
      [{ secret: 'whsec_mine' }, 'body.secret'],
    ] as const) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path), JSON.stringify(body).slice(0, 80)).toContain(path);
    }
  });
});

/** Runs `work` in local mode from inside inAwsMode. */
async function inLocal<T>(work: () => Promise<T>): Promise<T> {
  process.env.WEBHOOKS_ALLOW_LOCAL_HTTP = 'true';
  try {
    return await work();
  } finally {
    process.env.WEBHOOKS_ALLOW_LOCAL_HTTP = 'false';
  }
}

describe('changing and deleting an endpoint', () => {
  it('PATCH with If-Match: the current ETag changes it, a stale one is a 412 and changes nothing', async () => {
    const { uuid } = await created({ description: 'first' });
    const path = `${base}/webhooks/${uuid}`;
    const changed = await http.call('PATCH', path, { body: { description: 'second', event_types: ['patient.created'] }, headers: { 'if-match': '"1"' } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    expect(changed.body).toMatchObject({ description: 'second', event_types: ['patient.created'] });
    const stale = await http.call('PATCH', path, { body: { description: 'third' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect((await http.get(path)).body.description).toBe('second');
    const cleared = await http.call('PATCH', path, { body: { description: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.description).toBeNull();
    expect((await stored(clinic.orgId, uuid))!.version).toBe(3);
    expect((await http.call('PATCH', `${base}/webhooks/${UNKNOWN}`, { body: { active: false } })).status).toBe(404);
  });

  it('pausing records when; reactivating clears why the system disabled it', async () => {
    const { uuid } = await created();
    const path = `${base}/webhooks/${uuid}`;
    const paused = await http.call('PATCH', path, { body: { active: false } });
    expect(paused.body).toMatchObject({ active: false, disabled_reason: null, disabled_at: expect.any(String) });
    // The dispatcher disables an endpoint as it does (a new version).
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.webhookEndpoint(clinic.orgId, uuid),
        UpdateExpression: 'SET active = :f, disabled_reason = :r, disabled_at = :at, failing_since = :since, version = version + :one',
        ExpressionAttributeValues: { ':f': false, ':r': 'failing', ':at': '2026-01-04T00:00:00Z', ':since': '2026-01-01T00:00:00Z', ':one': 1 },
      }),
    );
    const disabled = await http.get(path);
    expect(disabled.body).toMatchObject({ active: false, disabled_reason: 'failing', failing_since: '2026-01-01T00:00:00Z' });
    // An If-Match read before the dispatcher's change is stale.
    expect((await http.call('PATCH', path, { body: { active: true }, headers: { 'if-match': paused.headers.get('etag')! } })).status).toBe(412);
    const back = await http.call('PATCH', path, { body: { active: true }, headers: { 'if-match': disabled.headers.get('etag')! } });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ active: true, disabled_reason: null, disabled_at: null, failing_since: null });
  });

  it('DELETE: 204, then 404; the count of endpoints goes down with it', async () => {
    const { uuid } = await created();
    const count = (await orgItem(clinic.orgId)).webhook_count as number;
    const res = await http.call('DELETE', `${base}/webhooks/${uuid}`);
    expect(res.status).toBe(204);
    expect(await stored(clinic.orgId, uuid)).toBeUndefined();
    expect((await orgItem(clinic.orgId)).webhook_count).toBe(count - 1);
    expect((await http.get(`${base}/webhooks/${uuid}`)).status).toBe(404);
    expect((await http.call('DELETE', `${base}/webhooks/${uuid}`)).status).toBe(404);
    expect((await orgItem(clinic.orgId)).webhook_count).toBe(count - 1);
  });
});

describe('rotating the secret', () => {
  it('keeps two sealed secrets, the new one first and the old one for 24 hours; the answer shows the new one only', async () => {
    const { uuid, secret: old } = await created();
    const before = Date.now();
    const res = await http.post(`${base}/webhooks/${uuid}/rotate-secret`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(res.body.secret).not.toBe(old);
    const expires = Date.parse(res.body.previous_secret_expires_at);
    expect(expires).toBeGreaterThanOrEqual(before + 24 * 3600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 24 * 3600_000 + 1000);
    const item = (await stored(clinic.orgId, uuid))!;
    expect(item.secrets).toHaveLength(2);
    expect(await openSecret(item.secrets[0]!.sealed)).toBe(res.body.secret);
    expect(item.secrets[0]!.expires_at).toBeNull();
    expect(await openSecret(item.secrets[1]!.sealed)).toBe(old);
    expect(item.secrets[1]!.expires_at).toBe(res.body.previous_secret_expires_at);
    const read = await http.get(`${base}/webhooks/${uuid}`);
    expect(read.body).toMatchObject({ secret_rotated_at: expect.any(String), previous_secret_expires_at: res.body.previous_secret_expires_at });
    expectNoSecret(read.body, old, res.body.secret);
    // Rotating again and again keeps at most three.
    for (let i = 0; i < 3; i++) expect((await http.post(`${base}/webhooks/${uuid}/rotate-secret`, {})).status).toBe(200);
    expect((await stored(clinic.orgId, uuid))!.secrets).toHaveLength(3);
    expect((await http.post(`${base}/webhooks/${UNKNOWN}/rotate-secret`, {})).status).toBe(404);
  });

  it('drops a previous secret once it has expired', async () => {
    const { uuid } = await created();
    await http.post(`${base}/webhooks/${uuid}/rotate-secret`, {});
    const item = (await stored(clinic.orgId, uuid))!;
    await db.send(new PutCommand({ TableName: tableName, Item: { ...item, secrets: [item.secrets[0], { ...item.secrets[1], expires_at: '2020-01-01T00:00:00Z' }] } }));
    expect((await http.get(`${base}/webhooks/${uuid}`)).body.previous_secret_expires_at).toBeNull();
    await http.post(`${base}/webhooks/${uuid}/rotate-secret`, {});
    const after = (await stored(clinic.orgId, uuid))!;
    expect(after.secrets.map((s) => s.sealed)).toEqual([expect.any(String), item.secrets[0]!.sealed]);
  });
});

describe('the test event', () => {
  it('puts exactly one webhook.test event item, aimed at the endpoint; an inactive endpoint is a 409, an unknown one a 404, and neither writes one', async () => {
    const own = await createTestClinic();
    const ownHttp = client(fixture.api.baseUrl, own.token);
    const ownBase = `/api/v1/${own.orgId}`;
    const made = await ownHttp.post(`${ownBase}/webhooks`, { url: LOCAL_URL, event_types: ['appointment.booked'] });
    const uuid = made.body.uuid as string;
    const before = (await events(own.orgId)).length;
    const res = await ownHttp.post(`${ownBase}/webhooks/${uuid}/test`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.event_id).toMatch(/^evt_[0-9A-Z]{26}$/);
    const all = await events(own.orgId);
    expect(all).toHaveLength(before + 1);
    const event = all.find((e) => e.event_id === res.body.event_id)!;
    expect(event).toMatchObject({ entity: 'event', event_type: 'webhook.test', only_endpoint: uuid, org_id: own.orgId });
    expect(payloadOf(event)).toMatchObject({ id: res.body.event_id, type: 'webhook.test', org_id: own.orgId, data: { endpoint_uuid: uuid } });
    expect(Math.abs(eventIdTime(event.event_id) - Date.now())).toBeLessThan(3600_000);

    await ownHttp.call('PATCH', `${ownBase}/webhooks/${uuid}`, { body: { active: false } });
    const inactive = await ownHttp.post(`${ownBase}/webhooks/${uuid}/test`, {});
    expect(inactive.status).toBe(409);
    expect(inactive.body.type).toContain('state-conflict');
    expect((await ownHttp.post(`${ownBase}/webhooks/${UNKNOWN}/test`, {})).status).toBe(404);
    expect(await events(own.orgId)).toHaveLength(before + 1);
  });
});

describe('the delivery log and retries', () => {
  const attempt = (orgId: string, endpointId: string, n: number, at: string, overrides: Partial<AttemptRecord> = {}): AttemptRecord => {
    const deliveryId = overrides.delivery_uuid ?? randomUUID();
    return {
      ...keys.webhookAttempt(orgId, endpointId, at, deliveryId, n),
      entity: 'delivery-attempt',
      delivery_uuid: deliveryId,
      endpoint_uuid: endpointId,
      event_id: `evt_${'0'.repeat(10)}${String(n).padStart(16, 'A')}`,
      event_type: 'appointment.booked',
      attempt: n,
      at,
      status_code: 500,
      latency_ms: 120 + n,
      error_class: 'http_status',
      next_attempt_at: '2099-01-01T00:00:00Z',
      expires_at: Math.floor(Date.now() / 1000) + 86_400,
      ...overrides,
    };
  };

  it('lists the attempts newest first, page by page, without anything of the receiver’s answer but its status', async () => {
    const { uuid } = await created();
    const deliveryId = randomUUID();
    const items = [
      attempt(clinic.orgId, uuid, 1, '2026-03-01T10:00:00Z', { delivery_uuid: deliveryId }),
      attempt(clinic.orgId, uuid, 2, '2026-03-01T10:00:05Z', { delivery_uuid: deliveryId, status_code: null, error_class: 'timeout' }),
      attempt(clinic.orgId, uuid, 3, '2026-03-01T10:05:05Z', { delivery_uuid: deliveryId, status_code: 204, error_class: null, next_attempt_at: null }),
      // Past its retention: the TTL has not removed it yet, the log does not show it.
      attempt(clinic.orgId, uuid, 1, '2026-01-01T00:00:00Z', { expires_at: Math.floor(Date.now() / 1000) - 60 }),
    ];
    // What a receiver answered is never stored, but if it were, the log would not show it.
    for (const item of items) await db.send(new PutCommand({ TableName: tableName, Item: { ...item, response_body: 'SECRET-RECEIVER-BODY' } }));
    const page = await http.get(`${base}/webhooks/${uuid}/deliveries?page_size=2`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body).toMatchObject({ page: 1, page_size: 2, has_more: true });
    expect(page.body.items).toEqual([
      {
        delivery_uuid: deliveryId,
        event_id: items[2]!.event_id,
        event_type: 'appointment.booked',
        attempt: 3,
        at: '2026-03-01T10:05:05Z',
        status_code: 204,
        latency_ms: 123,
        error_class: null,
        next_attempt_at: null,
      },
      expect.objectContaining({ attempt: 2, status_code: null, error_class: 'timeout' }),
    ]);
    const next = await http.get(`${base}/webhooks/${uuid}/deliveries?page=2&page_size=2`);
    expect(next.body.items.map((a: { attempt: number }) => a.attempt)).toEqual([1]);
    expect(next.body.has_more).toBe(false);
    expect(JSON.stringify([page.body, next.body])).not.toContain('SECRET-RECEIVER-BODY');
    // The log outlives the endpoint; an endpoint with neither is a 404.
    await http.call('DELETE', `${base}/webhooks/${uuid}`);
    expect((await http.get(`${base}/webhooks/${uuid}/deliveries`)).body.items).toHaveLength(3);
    expect((await http.get(`${base}/webhooks/${UNKNOWN}/deliveries`)).status).toBe(404);
    const { uuid: fresh } = await created();
    expect((await http.get(`${base}/webhooks/${fresh}/deliveries`)).body).toEqual({ items: [], page: 1, page_size: 20, has_more: false });
  });

  it('retry: sets the delivery to requested (also a delivered one); 409 while one is requested; 404 for none', async () => {
    const { uuid } = await created();
    const deliveryId = randomUUID();
    const record: DeliveryRecord = {
      ...keys.webhookDelivery(clinic.orgId, deliveryId),
      entity: 'delivery',
      uuid: deliveryId,
      org_id: clinic.orgId,
      endpoint_uuid: uuid,
      event_id: 'evt_01JZZZZZZZZZZZZZZZZZZZZZZZ',
      event_type: 'appointment.booked',
      state: 'failed',
      attempts: 10,
      next_attempt_at: null,
      last_status_code: 500,
      last_error_class: 'http_status',
      created_at: '2026-03-01T10:00:00Z',
      updated_at: '2026-03-04T10:00:00Z',
      expires_at: Math.floor(Date.now() / 1000) + 86_400,
    };
    await db.send(new PutCommand({ TableName: tableName, Item: record }));
    const path = `${base}/deliveries/${deliveryId}/retry`;
    const res = await http.post(path, {});
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toEqual({ delivery_uuid: deliveryId, state: 'requested' });
    const after = (await delivery(clinic.orgId, deliveryId))!;
    expect(after).toEqual({ ...record, state: 'requested', updated_at: expect.any(String) });
    expect(after.updated_at > record.updated_at).toBe(true);
    const twice = await http.post(path, {});
    expect(twice.status).toBe(409);
    expect(twice.body.type).toContain('state-conflict');
    // Delivered since: it may be sent again on request.
    await db.send(new PutCommand({ TableName: tableName, Item: { ...record, state: 'delivered' } }));
    expect((await http.post(path, {})).status).toBe(202);
    expect((await delivery(clinic.orgId, deliveryId))!.state).toBe('requested');
    expect((await http.post(`${base}/deliveries/${UNKNOWN}/retry`, {})).status).toBe(404);
    expect(await delivery(clinic.orgId, UNKNOWN)).toBeUndefined();
  });
});

describe('limits and access', () => {
  it(`allows ${MAX_WEBHOOK_ENDPOINTS} endpoints per organisation: of a burst of creates, exactly that many succeed`, async () => {
    const own = await createTestClinic();
    const ownHttp = client(fixture.api.baseUrl, own.token);
    const ownBase = `/api/v1/${own.orgId}`;
    const burst = await Promise.all(
      Array.from({ length: MAX_WEBHOOK_ENDPOINTS + 6 }, (_, i) => ownHttp.post(`${ownBase}/webhooks`, { url: `http://127.0.0.1:9/burst/${i}`, event_types: ['*'] })),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 201), JSON.stringify(burst.filter((r) => r.status !== 201 && r.status !== 422).map((r) => r.body))).toHaveLength(MAX_WEBHOOK_ENDPOINTS);
    expect(statuses.filter((s) => s === 422)).toHaveLength(6);
    expect(burst.find((r) => r.status === 422)!.body.detail).toContain(`at most ${MAX_WEBHOOK_ENDPOINTS}`);
    const list = await ownHttp.get(`${ownBase}/webhooks`);
    expect(list.body.total).toBe(MAX_WEBHOOK_ENDPOINTS);
    expect((await orgItem(own.orgId)).webhook_count).toBe(MAX_WEBHOOK_ENDPOINTS);
    // One deleted makes room for one.
    expect((await ownHttp.call('DELETE', `${ownBase}/webhooks/${list.body.items[0].uuid}`)).status).toBe(204);
    expect((await ownHttp.post(`${ownBase}/webhooks`, { url: LOCAL_URL, event_types: ['*'] })).status).toBe(201);
    expect((await ownHttp.post(`${ownBase}/webhooks`, { url: LOCAL_URL, event_types: ['*'] })).status).toBe(422);
  });

  it('answers 403 to read and write tokens on every webhook route, and changes nothing', async () => {
    const { uuid } = await created();
    const deliveryId = randomUUID();
    const webhookRoutes = routeList.filter((r) => r.tag === 'Events and webhooks' && (r.path.includes('/webhooks') || r.path.includes('/deliveries/')));
    expect(webhookRoutes).toHaveLength(9);
    for (const scopes of [['read'], ['write'], ['read', 'write', 'clinical']] as const) {
      const other = client(fixture.api.baseUrl, await tokenFor(clinic.orgId, scopes));
      for (const route of webhookRoutes) {
        const url = pathOf(route, { org_id: clinic.orgId, webhook_uuid: uuid, delivery_uuid: deliveryId });
        const body = route.method === 'POST' || route.method === 'PATCH' ? (route.name === 'createWebhook' ? { url: LOCAL_URL, event_types: ['*'] } : route.name === 'updateWebhook' ? { active: false } : {}) : undefined;
        const res = await other.call(route.method, url, { body });
        expect(res.status, `${route.name} with ${scopes.join(',')}`).toBe(403);
      }
    }
    expect((await stored(clinic.orgId, uuid))!).toMatchObject({ version: 1, active: true });
  });
});
