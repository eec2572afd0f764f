/**
 * Tenant isolation, generated from the route table: for every route, a token of organisation B
 * (1) on A's path with A's ids, and (2) on its own path naming A's ids, gets no data of A and
 * changes nothing of A. A route without a fixture here fails the suite (and the type check), so a
 * new route is covered without anyone remembering.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { createTestClinic, type TestClinic } from '../helpers/clinic.ts';
import { client } from '../helpers/local-api.ts';
import { useLocalApi } from '../helpers/use-clinic.ts';
import { createPatient } from '#shared/domain/patients.ts';
import { routeList, routes, pathOf, type RouteName } from '#shared/routes.ts';

type Ids = {
  org: string;
  patient: string;
  appointment: string;
  location: string;
  operatory: string;
  provider: string;
  type: string;
  timeOff: string;
  webhook: string;
  delivery: string;
};
type Request = { params?: Record<string, string>; query?: Record<string, string>; body?: unknown };

const day = DateTime.now().setZone('America/Los_Angeles').plus({ days: 20 }).toISODate()!;

/** One request per tenant route, aimed at the ids given (A's), whatever org the path names. */
const FIXTURES: Record<Exclude<RouteName, 'getOpenApiDocument' | 'getDocsPage' | 'getDocsAsset' | 'getDeskPage' | 'getDeskAsset' | 'whoami'>, (a: Ids) => Request> = {
  searchPatients: () => ({ query: { query: 'quarantine' } }),
  createPatient: (a) => ({ body: { first_name: 'Intruder', last_name: 'Test', date_of_birth: '1990-01-01', preferred_provider_uuid: a.provider } }),
  getPatient: (a) => ({ params: { patient_uuid: a.patient } }),
  updatePatient: (a) => ({ params: { patient_uuid: a.patient }, body: { first_name: 'Hijacked', is_active: false } }),
  listPatientAppointments: (a) => ({ params: { patient_uuid: a.patient } }),
  listAppointmentTypes: () => ({}),
  createAppointmentType: () => ({ body: { code: 'INTR', name: 'Intrusion', duration_minutes: 30, color: '#000000', requires_exam: false } }),
  getAppointmentType: (a) => ({ params: { appointment_type_uuid: a.type } }),
  updateAppointmentType: (a) => ({ params: { appointment_type_uuid: a.type }, body: { name: 'Hijacked' } }),
  bookAppointment: (a) => ({
    body: { patient_uuid: a.patient, appointment_type_uuid: a.type, location_uuid: a.location, provider_uuid: a.provider, scheduled_start: `${day}T13:00:00`, scheduled_end: `${day}T14:00:00` },
  }),
  getAppointment: (a) => ({ params: { appointment_uuid: a.appointment } }),
  listAppointments: (a) => ({ query: { date_from: day, date_to: day, patient_uuid: a.patient, provider_uuid: a.provider } }),
  updateAppointment: (a) => ({ params: { appointment_uuid: a.appointment }, body: { notes: 'hijacked' } }),
  changeAppointmentStatus: (a) => ({ params: { appointment_uuid: a.appointment }, body: { status: 'cancelled' } }),
  getAvailability: (a) => ({ query: { location_uuid: a.location, appointment_type_uuid: a.type, date_from: day, date_to: day } }),
  listLocations: () => ({}),
  createLocation: () => ({ body: { name: 'Intruder', time_zone: 'Europe/London' } }),
  getLocation: (a) => ({ params: { location_uuid: a.location } }),
  updateLocation: (a) => ({ params: { location_uuid: a.location }, body: { name: 'Hijacked' } }),
  listOperatories: (a) => ({ params: { location_uuid: a.location } }),
  createOperatory: (a) => ({ params: { location_uuid: a.location }, body: { name: 'Intruder' } }),
  updateOperatory: (a) => ({ params: { location_uuid: a.location, operatory_uuid: a.operatory }, body: { is_active: false } }),
  listProviders: () => ({}),
  createProvider: () => ({ body: { first_name: 'In', last_name: 'Truder', title: 'DDS' } }),
  getProvider: (a) => ({ params: { provider_uuid: a.provider } }),
  updateProvider: (a) => ({ params: { provider_uuid: a.provider }, body: { is_active: false } }),
  listWorkingHours: (a) => ({ params: { provider_uuid: a.provider } }),
  putWorkingHours: (a) => ({ params: { provider_uuid: a.provider, location_uuid: a.location }, body: { weekly: {} } }),
  listTimeOff: (a) => ({ query: { provider_uuid: a.provider, date_from: day, date_to: day } }),
  createTimeOff: (a) => ({ body: { provider_uuid: a.provider, location_uuid: a.location, start: `${day}T08:00:00`, end: `${day}T18:00:00` } }),
  deleteTimeOff: (a) => ({ params: { time_off_uuid: a.timeOff } }),
  getSettings: () => ({}),
  updateSettings: () => ({ body: { name: 'Hijacked' } }),
  listAudit: (a) => ({ query: { entity_uuid: a.patient } }),
  createAppointmentNote: (a) => ({ params: { appointment_uuid: a.appointment }, body: { text: 'intruder note' } }),
  listAppointmentNotes: (a) => ({ params: { appointment_uuid: a.appointment } }),
  createWebhook: () => ({ body: { url: 'http://127.0.0.1:9/intruder', event_types: ['*'] } }),
  listWebhooks: () => ({}),
  getWebhook: (a) => ({ params: { webhook_uuid: a.webhook } }),
  updateWebhook: (a) => ({ params: { webhook_uuid: a.webhook }, body: { url: 'http://127.0.0.1:9/hijacked', active: false } }),
  deleteWebhook: (a) => ({ params: { webhook_uuid: a.webhook } }),
  rotateWebhookSecret: (a) => ({ params: { webhook_uuid: a.webhook }, body: {} }),
  testWebhook: (a) => ({ params: { webhook_uuid: a.webhook }, body: {} }),
  listWebhookDeliveries: (a) => ({ params: { webhook_uuid: a.webhook } }),
  retryWebhookDelivery: (a) => ({ params: { delivery_uuid: a.delivery }, body: {} }),
  listEvents: () => ({ query: { limit: '100' } }),
};

const api = useLocalApi();
let a: TestClinic;
let b: TestClinic;
let aIds: Ids;
/** Values only A holds: none may reach B. */
let secrets: string[];

beforeAll(async () => {
  [a, b] = await Promise.all([createTestClinic(), createTestClinic()]);
  const http = client(api.baseUrl, a.token);
  const base = `/api/v1/${a.orgId}`;
  const zelda = await createPatient(a.orgId, { first_name: 'Zelda', last_name: 'Quarantine', date_of_birth: '1961-07-07', email: 'zelda@isolated.example' });
  const booked = await http.post(`${base}/appointments`, {
    patient_uuid: zelda.uuid,
    appointment_type_uuid: a.types.exam.uuid,
    location_uuid: a.location.uuid,
    provider_uuid: a.dentist.uuid,
    scheduled_start: `${day}T09:00:00`,
    scheduled_end: `${day}T10:00:00`,
    notes: 'isolation-secret-note',
  });
  expect(booked.status).toBe(201);
  const note = await http.post(`${base}/appointments/${booked.body.uuid}/notes`, { text: 'isolation-secret-clinical-note' });
  expect(note.status).toBe(201);
  const off = await http.post(`${base}/time-off`, { provider_uuid: a.dentist.uuid, location_uuid: a.location.uuid, start: `${day}T12:00:00`, end: `${day}T12:30:00` });
  expect(off.status).toBe(201);
  const hook = await http.post(`${base}/webhooks`, { url: 'http://127.0.0.1:9/isolation-secret-hook', event_types: ['appointment.*'], description: 'isolation-secret-description' });
  expect(hook.status).toBe(201);
  // A delivery and its attempt, as the dispatcher writes them.
  const delivery = randomUUID();
  const at = '2026-03-01T10:00:00Z';
  const ttl = Math.floor(Date.now() / 1000) + 86_400;
  const common = { org_id: a.orgId, endpoint_uuid: hook.body.uuid, event_id: 'evt_01JISOLATIONZZZZZZZZZZZZZZ', event_type: 'appointment.booked', expires_at: ttl };
  await db.send(new PutCommand({ TableName: tableName, Item: { ...keys.webhookDelivery(a.orgId, delivery), entity: 'delivery', uuid: delivery, ...common, state: 'failed', attempts: 1, next_attempt_at: null, last_status_code: 500, last_error_class: 'http_status', created_at: at, updated_at: at } }));
  await db.send(new PutCommand({ TableName: tableName, Item: { ...keys.webhookAttempt(a.orgId, hook.body.uuid, at, delivery, 1), entity: 'delivery-attempt', delivery_uuid: delivery, ...common, attempt: 1, at, status_code: 500, latency_ms: 10, error_class: 'http_status', next_attempt_at: null } }));
  aIds = { org: a.orgId, patient: zelda.uuid, appointment: booked.body.uuid, location: a.location.uuid, operatory: a.operatories[0]!.uuid, provider: a.dentist.uuid, type: a.types.exam.uuid, timeOff: off.body.uuid, webhook: hook.body.uuid, delivery };
  secrets = ['Zelda', 'Quarantine', '1961-07-07', 'zelda@isolated.example', 'isolation-secret-note', 'isolation-secret-clinical-note', 'isolation-secret-hook', 'isolation-secret-description', hook.body.secret.slice('whsec_'.length)];
});

async function snapshotOfA() {
  const http = client(api.baseUrl, a.token);
  const base = `/api/v1/${a.orgId}`;
  const [appointment, provider, type, hours, settings, off, patients, patient, notes, webhook, deliveries, delivery, webhookItem, events] = await Promise.all([
    http.get(`${base}/appointments/${aIds.appointment}`),
    http.get(`${base}/providers/${aIds.provider}`),
    http.get(`${base}/appointment-types/${aIds.type}`),
    http.get(`${base}/providers/${aIds.provider}/working-hours`),
    http.get(`${base}/settings`),
    http.get(`${base}/time-off?provider_uuid=${aIds.provider}&date_from=${day}&date_to=${day}`),
    http.get(`${base}/patients?query=intruder`),
    http.get(`${base}/patients/${aIds.patient}`),
    http.get(`${base}/appointments/${aIds.appointment}/notes`),
    http.get(`${base}/webhooks/${aIds.webhook}`),
    http.get(`${base}/webhooks/${aIds.webhook}/deliveries`),
    // What the API never shows: the delivery's state, the endpoint's secrets, the events.
    db.send(new GetCommand({ TableName: tableName, Key: keys.webhookDelivery(aIds.org, aIds.delivery), ConsistentRead: true })).then((r) => ({ body: r.Item })),
    db.send(new GetCommand({ TableName: tableName, Key: keys.webhookEndpoint(aIds.org, aIds.webhook), ConsistentRead: true })).then((r) => ({ body: r.Item })),
    db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.events(aIds.org).pk }, ConsistentRead: true })).then((r) => ({ body: r.Items })),
  ]);
  return [appointment, provider, type, hours, settings, off, patients, patient, notes, webhook, deliveries, delivery, webhookItem, events].map((r) => r.body);
}

/** Routes under an organisation's path; a route about the caller (`org: 'token'`, whoami) has none, and its own test below. */
const tenantRoutes = routeList.filter((r) => r.scope !== 'public' && r.org !== 'token');
const callerRoutes = routeList.filter((r) => r.org === 'token');

describe('tenant isolation (generated from the route table)', () => {
  it('has a fixture for every tenant route', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(tenantRoutes.map((r) => r.name).sort());
  });

  it.each(tenantRoutes.map((r) => [r.name, r] as const))("%s: B's token on A's path is refused, with no data", async (_, route) => {
    const request = FIXTURES[route.name as keyof typeof FIXTURES](aIds);
    const url = pathOf(route, { org_id: a.orgId, ...request.params }) + (request.query ? `?${new URLSearchParams(request.query)}` : '');
    const res = await client(api.baseUrl, b.token).call(route.method, url, { body: request.body });
    expect(res.status).toBe(403);
    for (const secret of secrets) expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  it.each(tenantRoutes.map((r) => [r.name, r] as const))("%s: B's token naming A's ids on B's own path gets nothing of A", async (_, route) => {
    const before = await snapshotOfA();
    const request = FIXTURES[route.name as keyof typeof FIXTURES](aIds);
    const url = pathOf(route, { org_id: b.orgId, ...request.params }) + (request.query ? `?${new URLSearchParams(request.query)}` : '');
    const res = await client(api.baseUrl, b.token).call(route.method, url, { body: request.body });
    // Refused (404 for a path id, 422 for a body or query reference) — or, for a list or a create
    // that names none of A's records, B's own (empty or new) data.
    expect([200, 201, 204, 403, 404, 422], JSON.stringify(res.body)).toContain(res.status);
    if (route.request.params && Object.keys(request.params ?? {}).length > 0 && route.method !== 'POST') expect([403, 404]).toContain(res.status);
    for (const secret of secrets) expect(JSON.stringify(res.body), route.name).not.toContain(secret);
    expect(await snapshotOfA()).toEqual(before);
  });

  it('the routes about the caller are exactly whoami', () => {
    expect(callerRoutes.map((r) => r.name)).toEqual(['whoami']);
  });

  it("whoami: B's token is told B's organisation and token, nothing of A", async () => {
    const res = await client(api.baseUrl, b.token).get(pathOf(routes.whoami, {}));
    expect(res.status).toBe(200);
    expect(res.body.org_id).toBe(b.orgId);
    expect(JSON.stringify(res.body)).not.toContain(a.orgId);
    for (const secret of secrets) expect(JSON.stringify(res.body)).not.toContain(secret);
  });
});
