/**
 * Property-based fuzzing of every route, generated from the route table: hostile path segments,
 * query strings, headers and bodies (wrong types, huge and odd unicode strings, impossible dates,
 * malformed or oversized JSON). Whatever the input: never a 5xx; every error is problem+json with
 * type, title, status and detail; every response matches the OpenAPI document; and a change that is
 * refused (4xx) writes nothing. Seed: PROPERTY_SEED, else the clock (printed on failure).
 *
 * "Writes nothing" is checked where a write would have to pass as well as in the data: the shared
 * DynamoDB client sees every call the in-process API makes. A change that sent no call that can
 * write cannot have changed the data; after one that sent any, the organisation's data is read back
 * (through the API and from the table) and compared with before. A last read-back at the end proves
 * that the changes not read back changed nothing.
 */
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { INDEXES } from '#shared/db/table-definition.ts';
import { createPatient } from '#shared/domain/patients.ts';
import { deskBuild } from '#shared/http/desk-build.ts';
import { routes, routeList, pathOf, pathParameterNames, type RouteName, type RouteSpec } from '#shared/routes.ts';
import type { TestClinic } from '../helpers/clinic.ts';
import { client, type ApiResponse } from '../helpers/local-api.ts';
import { useClinic, type LocalApi } from '../helpers/use-clinic.ts';

type Ids = { org: string; patient: string; appointment: string; location: string; operatory: string; provider: string; type: string; timeOff: string; webhook: string; delivery: string };
type Request = { params?: Record<string, string>; query?: Record<string, string>; body?: unknown };

const MARK = 'Fuzzmark';
const day = DateTime.now().setZone('America/Los_Angeles').plus({ days: 20 }).toISODate()!;

/** One well-formed request per route; the fuzzer starts from it and breaks one or more parts. */
const FIXTURES: Record<RouteName, (a: Ids) => Request> = {
  searchPatients: () => ({ query: { query: MARK } }),
  createPatient: (a) => ({ body: { first_name: MARK, last_name: MARK, date_of_birth: '1990-01-01', preferred_provider_uuid: a.provider, email: 'fuzz@example.com' } }),
  getPatient: (a) => ({ params: { patient_uuid: a.patient } }),
  updatePatient: (a) => ({ params: { patient_uuid: a.patient }, body: { primary_phone: '+1 415 555 0199' } }),
  listPatientAppointments: (a) => ({ params: { patient_uuid: a.patient }, query: { page: '1' } }),
  listAppointmentTypes: () => ({ query: { is_active: 'true' } }),
  createAppointmentType: () => ({ body: { code: 'FUZ', name: MARK, duration_minutes: 30, color: '#000000', requires_exam: false } }),
  getAppointmentType: (a) => ({ params: { appointment_type_uuid: a.type } }),
  updateAppointmentType: (a) => ({ params: { appointment_type_uuid: a.type }, body: { name: `${MARK} type` } }),
  bookAppointment: (a) => ({
    body: { patient_uuid: a.patient, appointment_type_uuid: a.type, location_uuid: a.location, provider_uuid: a.provider, scheduled_start: `${day}T13:00:00`, scheduled_end: `${day}T14:00:00`, notes: MARK },
  }),
  getAppointment: (a) => ({ params: { appointment_uuid: a.appointment } }),
  listAppointments: (a) => ({ query: { date_from: day, date_to: day, provider_uuid: a.provider } }),
  updateAppointment: (a) => ({ params: { appointment_uuid: a.appointment }, body: { notes: MARK } }),
  changeAppointmentStatus: (a) => ({ params: { appointment_uuid: a.appointment }, body: { status: 'confirmed' } }),
  getAvailability: (a) => ({ query: { location_uuid: a.location, appointment_type_uuid: a.type, date_from: day, date_to: day } }),
  listLocations: () => ({}),
  createLocation: () => ({ body: { name: MARK, time_zone: 'Europe/London' } }),
  getLocation: (a) => ({ params: { location_uuid: a.location } }),
  updateLocation: (a) => ({ params: { location_uuid: a.location }, body: { name: `${MARK} location` } }),
  listOperatories: (a) => ({ params: { location_uuid: a.location } }),
  createOperatory: (a) => ({ params: { location_uuid: a.location }, body: { name: MARK } }),
  updateOperatory: (a) => ({ params: { location_uuid: a.location, operatory_uuid: a.operatory }, body: { name: `${MARK} chair` } }),
  listProviders: () => ({ query: { is_active: 'true' } }),
  createProvider: () => ({ body: { first_name: MARK, last_name: MARK, title: 'DDS' } }),
  getProvider: (a) => ({ params: { provider_uuid: a.provider } }),
  updateProvider: (a) => ({ params: { provider_uuid: a.provider }, body: { title: 'DMD' } }),
  listWorkingHours: (a) => ({ params: { provider_uuid: a.provider } }),
  putWorkingHours: (a) => ({ params: { provider_uuid: a.provider, location_uuid: a.location }, body: { weekly: { monday: [{ start: '08:00', end: '24:00' }] } } }),
  listTimeOff: (a) => ({ query: { provider_uuid: a.provider, date_from: day, date_to: day } }),
  createTimeOff: (a) => ({ body: { provider_uuid: a.provider, location_uuid: a.location, start: `${day}T08:00:00`, end: `${day}T09:00:00` } }),
  deleteTimeOff: (a) => ({ params: { time_off_uuid: a.timeOff } }),
  getSettings: () => ({}),
  updateSettings: () => ({ body: { name: `${MARK} clinic` } }),
  listAudit: (a) => ({ query: { entity_uuid: a.patient } }),
  createAppointmentNote: (a) => ({ params: { appointment_uuid: a.appointment }, body: { text: MARK } }),
  listAppointmentNotes: (a) => ({ params: { appointment_uuid: a.appointment }, query: { page: '1' } }),
  createWebhook: () => ({ body: { url: 'http://127.0.0.1:9/fuzz', event_types: ['appointment.*'], description: MARK } }),
  listWebhooks: () => ({}),
  getWebhook: (a) => ({ params: { webhook_uuid: a.webhook } }),
  updateWebhook: (a) => ({ params: { webhook_uuid: a.webhook }, body: { description: `${MARK} hook` } }),
  deleteWebhook: (a) => ({ params: { webhook_uuid: a.webhook } }),
  rotateWebhookSecret: (a) => ({ params: { webhook_uuid: a.webhook }, body: {} }),
  testWebhook: (a) => ({ params: { webhook_uuid: a.webhook }, body: {} }),
  listWebhookDeliveries: (a) => ({ params: { webhook_uuid: a.webhook }, query: { page: '1' } }),
  retryWebhookDelivery: (a) => ({ params: { delivery_uuid: a.delivery }, body: {} }),
  listEvents: () => ({ query: { limit: '10' } }),
  getOpenApiDocument: () => ({}),
  getDocsPage: () => ({}),
  getDocsAsset: () => ({ params: { asset: 'swagger-ui.css' } }),
  whoami: () => ({}),
  getDeskPage: () => ({}),
  // The build's own file (the integration run builds the page: test/helpers/desk-global-setup.ts).
  getDeskAsset: () => ({ params: { asset: deskBuild().manifest.page.deskCss } }),
};

/** Field names a schema declares (zod objects, also refined ones), to aim mutations at real fields. */
function fieldNames(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

// ---- hostile values -------------------------------------------------------------------------

const BAD_DATES = ['2025-02-30', '2025-02-29', '0000-01-01', '0000-00-00', '9999-12-31', '+012025-01-01', '2025-13-01', '2025-1-1', '20250101', '1899-12-31'];
const BAD_TIMES = ['24:00', '24:01', '23:60', '-01:00', '8:00', '08:00:00', 'T08:00', ''];
const BAD_DATETIMES = [
  `${day}T24:00:00`,
  `${day}T24:00`,
  `${day}T23:59:60`,
  '2025-02-30T10:00:00',
  '0000-01-01T00:00:00',
  '9999-12-31T23:59:59',
  '2025-03-09T02:30:00',
  '2025-11-02T01:30:00',
  `${day}T10:00:00+25:00`,
  `${day}T10:00:00.1234`,
  `${day}T10:00:00Z`,
  `${day}t10:00:00`,
  `${day} 10:00:00`,
];
const ODD_STRINGS = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  `a\u0000b`,
  '😀'.repeat(40),
  '\u202Eevil\u202C',
  'שלום עולם',
  'مرحبا',
  '\ud800',
  'x\udc00y',
  '\ufeff',
  'e\u0301',
  'null',
  'undefined',
  'true',
  '__proto__',
  'constructor',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${jndi:ldap://x}',
  '../../etc/passwd',
  '%00',
  'NaN',
  '-1',
  '1e309',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '#zzzzzz',
  'ORG#x',
  'x'.repeat(101),
  'x'.repeat(256),
  ...BAD_DATES,
  ...BAD_TIMES,
  ...BAD_DATETIMES,
];
const hugeString = fc.constantFrom(1_000, 10_000, 70_000, 100_000).chain((n) => fc.constantFrom('x', 'é', '😀', '\u0000').map((c) => c.repeat(Math.ceil(n / c.length))));
const hostileString = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: hugeString },
);
const hostileNumber = fc.oneof(
  fc.constantFrom(-1, 0, -0, 1.5, 0.1, 2 ** 31, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 1e308, -1e308, Number.MIN_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>([], {}, [1, 2], [{}], { a: {} }, [null], { start: '08:00' }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

// ---- request parts --------------------------------------------------------------------------

const ODD_SEGMENTS = [
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  '%00',
  '%2F',
  '%2F..%2F',
  '..',
  '.',
  '%2e%2e',
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  encodeURIComponent('😀'),
  encodeURIComponent('\u202e'),
  '{org_id}',
  '%7Borg_id%7D',
  'a'.repeat(3_000),
  encodeURIComponent('é'.repeat(500)),
  'ORG%23x',
  'x;y=z',
  '%20',
  '',
];
const pathMutation = fc.record({
  param: fc.nat(),
  kind: fc.constantFrom<'odd' | 'uuid' | 'upper' | 'suffix'>('odd', 'odd', 'odd', 'uuid', 'upper', 'suffix'),
  odd: fc.constantFrom(...ODD_SEGMENTS),
  uuid: fc.uuid(),
  suffix: fc.constantFrom('%00', '%20', 'x', '0', '%0A', '.json'),
});

const QUERY_KEYS = [...new Set(routeList.flatMap((r) => fieldNames(r.request.query))), '', '__proto__', 'constructor', 'hasOwnProperty', 'page[]', 'PAGE', 'org_id'];
const queryValue = fc.oneof(
  fc.constantFrom('', '0', '-1', '1e3', '%ED%A0%80', '%C0%AF', '%FF', '01', '1.5', ' 1', '999999999999', '10001', 'true', 'TRUE', '%', '%00', '%zz', '&', '=', '+', '😀', '\u202e', 'x'.repeat(5_000)),
  fc.constantFrom(...ODD_STRINGS.filter((s) => s.length < 300)),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const queryMutation = fc.record({
  drop: fc.boolean(),
  // Extra pairs: an existing key again (repeated), known keys with odd values, unknown keys, empty values.
  pairs: fc.array(fc.record({ key: fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 10 })), value: queryValue, raw: fc.boolean() }), { maxLength: 4 }),
  bare: fc.constantFrom('', '&', '&&', '&=', '&=x', '&flag', '&page', '&page=&page='),
});

// fetch sends only visible ASCII header values without surrounding blanks.
const latin1 = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const headerMutation = fc.record({
  contentType: fc.option(
    fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/vnd.api+json',
      'application/problem+json',
      'application/merge-patch+json',
      'application/jsonx',
      'APPLICATION/JSON',
      'application/json, text/plain',
      'json',
      '',
    ),
    { nil: undefined },
  ),
  idempotencyKey: fc.option(fc.oneof(fc.constantFrom('', 'k'.repeat(255), 'k'.repeat(256), 'a key', '"quoted"'), latin1), { nil: undefined }),
  ifMatch: fc.option(fc.oneof(fc.constantFrom('*', '"0"', '"1"', 'W/"1"', '"', '', '"1", "2"', '"999999999999999999999"', '"-1"', 'x'.repeat(300)), latin1), { nil: undefined }),
  accept: fc.option(fc.constantFrom('text/html', 'application/xml', '*/*', '', 'application/problem+json'), { nil: undefined }),
  authorization: fc.option(fc.constantFrom<string | null>(null, 'Bearer ', 'Bearer x', 'Basic YTpi', 'bearer dbk_', 'Bearer ' + 'a'.repeat(4_000)), { nil: undefined }),
});

const RAW_BODIES = [
  '{',
  '{"a":',
  '[1,2',
  'nul',
  '{"a":1}garbage',
  '\u0000',
  "{'a':1}",
  '{"a":1,}',
  'NaN',
  ' ',
  '\ufeff{}',
  '{"first_name":"\\ud800","last_name":"\\udfff"}',
  '{"name":"\\u0000"}',
  '{"name":"\\ud83d"}',
  '{"__proto__":{"is_admin":true}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '{"name":"a","name":"b"}',
  '[]',
  '""',
  '0',
  'true',
  '1e999999',
  '['.repeat(10_000) + ']'.repeat(10_000),
  '['.repeat(100_000),
  `${' '.repeat(70_000)}{}`,
];
type BodyMutation =
  | { kind: 'keep' | 'none' }
  | { kind: 'field'; field: number; value: unknown }
  | { kind: 'drop'; field: number }
  | { kind: 'extra'; key: string; value: unknown }
  | { kind: 'whole'; value: unknown }
  | { kind: 'raw'; text: string }
  | { kind: 'oversize'; field: number; size: number };
const bodyMutation: fc.Arbitrary<BodyMutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<BodyMutation>({ kind: 'keep' }) },
  { weight: 1, arbitrary: fc.constant<BodyMutation>({ kind: 'none' }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('field' as const), field: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), field: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('extra' as const),
      key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'uuid', 'org_id', 'created_at', 'version', 'is_admin', ''), fc.string({ maxLength: 10 })),
      value: hostileValue,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('whole' as const), value: hostileValue }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('raw' as const), text: fc.oneof(fc.constantFrom(...RAW_BODIES), fc.string({ unit: 'binary', maxLength: 50 })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('oversize' as const), field: fc.nat(), size: fc.constantFrom(64 * 1024, 70_000, 200_000) }) },
);

const fuzzCase = fc.record({
  route: fc.constantFrom(...routeList.map((r) => r.name)),
  path: fc.option(pathMutation, { nil: undefined, freq: 3 }),
  query: fc.option(queryMutation, { nil: undefined, freq: 2 }),
  headers: fc.option(headerMutation, { nil: undefined, freq: 2 }),
  body: bodyMutation,
});
type FuzzCase = typeof fuzzCase extends fc.Arbitrary<infer T> ? T : never;

/** An object with an own `__proto__` (or any) key, as JSON.parse would make it. */
function withKey(obj: Record<string, unknown>, key: string, value: unknown) {
  const copy = { ...obj };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

type Built = { method: string; url: string; rawBody?: string; headers: Record<string, string>; token?: string | null; contract: boolean };

function build(c: FuzzCase, ids: Ids, token: string): Built {
  const route = routes[c.route] as RouteSpec;
  const fixture = FIXTURES[c.route](ids);
  const params: Record<string, string> = { org_id: ids.org, ...fixture.params };
  const names = pathParameterNames(route.path);
  let url = pathOf(route, params);
  let contract = true;
  if (c.path && names.length > 0) {
    const name = names[c.path.param % names.length]!;
    const current = encodeURIComponent(params[name]!);
    const segment =
      c.path.kind === 'uuid' ? c.path.uuid : c.path.kind === 'upper' ? current.toUpperCase() : c.path.kind === 'suffix' ? current + c.path.suffix : c.path.odd;
    // Only the first occurrence: each parameter appears once in a route path.
    url = url.replace(`/${current}`, `/${segment}`);
    // An empty segment makes a path no route has ('//'): the one case the document cannot describe.
    // A segment the URL parser removes ('.', '..') or leaves empty makes a path of no route: the
    // document cannot describe it (still checked: no 5xx, problem+json).
    const pattern = new RegExp(`^${route.path.replace(/\{[a-z_]+\}/g, '[^/]+')}$`);
    if (!pattern.test(new URL(url, 'http://x').pathname)) contract = false;
  }

  // Query: the fixture's, maybe without its pairs, plus hostile ones.
  const pairs: string[] = [];
  if (!c.query?.drop) for (const [k, v] of Object.entries(fixture.query ?? {})) pairs.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  for (const p of c.query?.pairs ?? []) {
    // A URL cannot carry a lone surrogate: it is sent as U+FFFD (raw invalid UTF-8 comes from '%ED%A0%80').
    const wellFormed = (s: string) => s.replace(/[\ud800-\udfff]/gu, '\ufffd');
    const enc = (s: string) => (p.raw ? wellFormed(s).replace(/[#&=\s]/g, encodeURIComponent) : encodeURIComponent(wellFormed(s)));
    pairs.push(`${enc(p.key)}=${enc(p.value)}`);
  }
  const query = pairs.join('&') + (c.query?.bare ?? '');
  if (query) url += `?${query}`;

  const headers: Record<string, string> = {};
  let tokenOption: string | null | undefined = token;
  const h = c.headers;
  if (h?.idempotencyKey !== undefined) headers['idempotency-key'] = h.idempotencyKey;
  if (h?.ifMatch !== undefined) headers['if-match'] = h.ifMatch;
  if (h?.accept !== undefined) headers.accept = h.accept;
  if (h?.authorization !== undefined) {
    tokenOption = null;
    if (h.authorization !== null) headers.authorization = h.authorization;
  }

  let rawBody: string | undefined;
  const base = (fixture.body ?? {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(base), ...fieldNames(route.request.body)])];
  const pick = (i: number) => fields[i % Math.max(1, fields.length)] ?? 'name';
  const m = c.body;
  if (route.method !== 'GET') {
    switch (m.kind) {
      case 'keep':
        rawBody = fixture.body === undefined ? undefined : JSON.stringify(base);
        break;
      case 'none':
        break;
      case 'field':
        rawBody = JSON.stringify(withKey(base, pick(m.field), m.value));
        break;
      case 'drop': {
        const copy = { ...base };
        delete copy[pick(m.field)];
        rawBody = JSON.stringify(copy);
        break;
      }
      case 'extra':
        rawBody = JSON.stringify(withKey(base, m.key, m.value));
        break;
      case 'whole':
        rawBody = JSON.stringify(m.value);
        break;
      case 'raw':
        rawBody = m.text;
        break;
      case 'oversize':
        rawBody = JSON.stringify(withKey(base, pick(m.field), 'x'.repeat(m.size)));
        break;
    }
    if (rawBody !== undefined) headers['content-type'] = 'application/json';
  }
  if (h?.contentType !== undefined) headers['content-type'] = h.contentType;
  return { method: route.method, url, rawBody, headers, token: tokenOption, contract };
}

// ---- the organisation's data, to prove refused changes wrote nothing --------------------------

async function partition(pk: string, index?: { name: string; key: string }) {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      ...(index ? { IndexName: index.name } : { ConsistentRead: true }),
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': index?.key ?? 'pk' },
      ExpressionAttributeValues: { ':pk': pk },
    }),
  );
  return (out.Items ?? []).sort((x, y) => `${x.pk}${x.sk}`.localeCompare(`${y.pk}${y.sk}`));
}

const fixture = useClinic();
let api: LocalApi;
let clinic: TestClinic;
let ids: Ids;

/** DynamoDB calls that only read: any other call counts as one that may write. */
const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);

/** Counts, until the test ends, the calls the shared client is asked to send that may write. */
function countWrites() {
  const counter = { writes: 0 };
  db.middlewareStack.add(
    (next, context) => (args) => {
      if (!READS.has(context.commandName ?? '')) counter.writes++;
      return next(args);
    },
    { step: 'initialize', priority: 'high', name: 'fuzz-write-counter', override: true },
  );
  onTestFinished(() => void db.middlewareStack.remove('fuzz-write-counter'));
  return counter;
}

async function snapshot() {
  const http = client(api.baseUrl, clinic.token);
  const base = `/api/v1/${ids.org}`;
  const later = DateTime.fromISO(day).plus({ days: 30 }).toISODate()!;
  const gets = await Promise.all(
    [
      `${base}/patients?query=${MARK}`,
      `${base}/patients/${ids.patient}`,
      `${base}/appointments?date_from=${day}&date_to=${later}&page_size=100`,
      `${base}/appointments/${ids.appointment}`,
      `${base}/settings`,
      `${base}/providers`,
      `${base}/locations`,
      `${base}/locations/${ids.location}/operatories`,
      `${base}/appointment-types`,
      `${base}/providers/${ids.provider}/working-hours`,
      `${base}/time-off?provider_uuid=${ids.provider}&date_from=${day}&date_to=${later}`,
      `${base}/webhooks`,
      `${base}/webhooks/${ids.webhook}/deliveries`,
    ].map((path) => http.get(path).then((r) => ({ path, status: r.status, body: r.body }))),
  );
  const stored = await Promise.all([
    partition(keys.org(ids.org).pk),
    partition(keys.patientsByName.partition(ids.org), { name: INDEXES.patientsByName.name, key: INDEXES.patientsByName.partitionKey }),
    partition(keys.appointmentsByStart.partition(ids.org), { name: INDEXES.appointmentsByStart.name, key: INDEXES.appointmentsByStart.partitionKey }),
    partition(keys.resourceTimeOffs(ids.org, 'provider', ids.provider).pk),
    partition(keys.appointmentNoteCount(ids.org, ids.appointment).pk),
    partition(keys.webhookDelivery(ids.org, ids.delivery).pk),
    // The outbox: a refused change puts no event.
    partition(keys.events(ids.org).pk),
  ]);
  return { gets, stored };
}

beforeAll(async () => {
  ({ api, clinic } = fixture);
  const { http, base } = fixture;
  const patient = await createPatient(clinic.orgId, { first_name: MARK, last_name: 'Patient', date_of_birth: '1961-07-07' });
  const booked = await http.post(`${base}/appointments`, {
    patient_uuid: patient.uuid,
    appointment_type_uuid: clinic.types.exam.uuid,
    location_uuid: clinic.location.uuid,
    provider_uuid: clinic.dentist.uuid,
    scheduled_start: `${day}T09:00:00`,
    scheduled_end: `${day}T10:00:00`,
  });
  expect(booked.status).toBe(201);
  const off = await http.post(`${base}/time-off`, { provider_uuid: clinic.dentist.uuid, location_uuid: clinic.location.uuid, start: `${day}T12:00:00`, end: `${day}T12:30:00` });
  expect(off.status).toBe(201);
  const hook = await http.post(`${base}/webhooks`, { url: 'http://127.0.0.1:9/fuzz', event_types: ['*'] });
  expect(hook.status).toBe(201);
  // A delivery as the dispatcher writes it, for the retry route.
  const delivery = randomUUID();
  const at = '2026-03-01T10:00:00Z';
  await db.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...keys.webhookDelivery(clinic.orgId, delivery),
        entity: 'delivery',
        uuid: delivery,
        org_id: clinic.orgId,
        endpoint_uuid: hook.body.uuid,
        event_id: 'evt_01JFUZZZZZZZZZZZZZZZZZZZZZ',
        event_type: 'appointment.booked',
        state: 'failed',
        attempts: 1,
        next_attempt_at: null,
        last_status_code: 500,
        last_error_class: 'http_status',
        created_at: at,
        updated_at: at,
        expires_at: Math.floor(Date.now() / 1000) + 86_400,
      },
    }),
  );
  ids = {
    org: clinic.orgId,
    patient: patient.uuid,
    appointment: booked.body.uuid,
    location: clinic.location.uuid,
    operatory: clinic.operatories[0]!.uuid,
    provider: clinic.dentist.uuid,
    type: clinic.types.exam.uuid,
    timeOff: off.body.uuid,
    webhook: hook.body.uuid,
    delivery,
  };
});

const seed = Number(process.env.PROPERTY_SEED ?? Date.now()) | 0;
const RUNS_PER_ROUTE = 20;

describe('fuzzing every route (generated from the route table)', () => {
  it('has a fixture for every route', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(routeList.map((r) => r.name).sort());
  });

  it(
    `hostile inputs: never a 5xx, errors are problem+json, refused changes write nothing (seed ${seed})`,
    async () => {
      let before = await snapshot();
      const counter = countWrites();
      await fc.assert(
        fc.asyncProperty(fuzzCase, async (c) => {
          const req = build(c, ids, clinic.token);
          const label = `${c.route} ${req.method} ${req.url.slice(0, 300)} body=${(req.rawBody ?? '').slice(0, 300)} headers=${JSON.stringify(req.headers).slice(0, 300)}`;
          let res: ApiResponse;
          const writesBefore = counter.writes;
          try {
            res = await client(api.baseUrl, clinic.token).call(req.method, req.url, { rawBody: req.rawBody, headers: req.headers, token: req.token, contract: req.contract });
          } catch (error) {
            throw new Error(`${label}: ${(error as Error).message}`, { cause: error });
          }
          expect(res.status, label).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers.get('content-type'), label).toMatch(/^application\/problem\+json/);
            const problem = res.body as Record<string, unknown>;
            expect(problem, label).toMatchObject({ type: expect.any(String), title: expect.any(String), status: res.status, detail: expect.any(String) });
          }
          // A change that sent nothing that can write left the data as `before` has it.
          if (routes[c.route].method !== 'GET' && counter.writes > writesBefore) {
            const after = await snapshot();
            if (res.status >= 400) expect(after, label).toEqual(before);
            before = after;
          }
        }),
        { numRuns: RUNS_PER_ROUTE * routeList.length, seed, endOnFailure: true },
      );
      // The changes not read back sent nothing that can write: the data is still as last read.
      expect(await snapshot(), 'a change that sent no write changed the data').toEqual(before);
    },
    180_000,
  );
});
