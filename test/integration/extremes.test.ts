/**
 * Every route's date and range inputs driven to their extremes, against a real clinic: dates at and
 * beyond both ends of the documented range (1900-01-01 to 2200-12-31) and far beyond it, the widest
 * ranges allowed and one day more, page numbers and sizes at, past and far past their bounds.
 *
 * The inputs are found in the OpenAPI document, which is generated from the route table: a new route
 * with a date, a date-time or a bounded integer fails "has a fixture" below until it gets one, and
 * then gets every case. Each request must answer within DEADLINE_MS with a 2xx or a problem+json 4xx
 * (never a 5xx, never a hang), and every out-of-range value is a 400 naming its field.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { buildOpenApiDocument } from '#shared/contract/openapi.ts';
import { pathOf, routeList, routes, type RouteName, type RouteSpec } from '#shared/routes.ts';
import { DATE_RANGE } from '#shared/schemas/common.ts';
import { MAX_APPOINTMENT_LIST_DAYS } from '#shared/schemas/appointments.ts';
import { MAX_AVAILABILITY_DAYS, MAX_TIME_OFF_LIST_DAYS } from '#shared/schemas/practice.ts';
import type { TestClinic } from '../helpers/clinic.ts';
import { assertMatchesContract } from '../helpers/contract.ts';
import { useClinic, type LocalApi } from '../helpers/use-clinic.ts';

/** Generous: a loaded two-core machine; a request that loops or walks without bound never makes it. */
const DEADLINE_MS = 10_000;

const OUTSIDE = ['0001-01-01', '1899-12-31', '2201-01-01', '9999-12-30', '9999-12-31', '+010000-01-01'];
const EDGES = [DATE_RANGE.min, DATE_RANGE.max];
const RANGE_MESSAGE = `must be between ${DATE_RANGE.min} and ${DATE_RANGE.max}`;

const day = DateTime.now().setZone('America/Los_Angeles').plus({ days: 30 }).toISODate()!;
const plusDays = (date: string, n: number) => DateTime.fromISO(date, { zone: 'utc' }).plus({ days: n }).toISODate()!;

type Refs = { patient: string; appointment: string; location: string; provider: string; type: string; webhook: string };
type Fixture = { params?: Record<string, string>; query?: Record<string, string>; body?: Record<string, unknown> };

/** One valid request per route with a date or a bounded integer; each case changes only what it tests. */
const FIXTURES: Partial<Record<RouteName, (r: Refs) => Fixture>> = {
  searchPatients: () => ({ query: { query: 'Smith' } }),
  createPatient: () => ({ body: { first_name: 'Edge', last_name: 'Case', date_of_birth: '1990-01-01' } }),
  updatePatient: (r) => ({ params: { patient_uuid: r.patient }, body: { date_of_birth: '1986-04-12' } }),
  listPatientAppointments: (r) => ({ params: { patient_uuid: r.patient } }),
  listAppointments: (r) => ({ query: { date_from: day, date_to: day, provider_uuid: r.provider } }),
  getAvailability: (r) => ({ query: { location_uuid: r.location, appointment_type_uuid: r.type, date_from: day, date_to: day, provider_uuid: r.provider } }),
  listTimeOff: (r) => ({ query: { provider_uuid: r.provider, date_from: day, date_to: day } }),
  bookAppointment: (r) => ({
    body: { patient_uuid: r.patient, appointment_type_uuid: r.type, location_uuid: r.location, provider_uuid: r.provider, scheduled_start: `${day}T13:00:00`, scheduled_end: `${day}T14:00:00` },
  }),
  updateAppointment: (r) => ({ params: { appointment_uuid: r.appointment }, body: { scheduled_start: `${day}T09:00:00`, scheduled_end: `${day}T10:00:00` } }),
  createTimeOff: (r) => ({ body: { provider_uuid: r.provider, location_uuid: r.location, start: `${day}T06:00:00`, end: `${day}T07:00:00` } }),
  putWorkingHours: (r) => ({
    params: { provider_uuid: r.provider, location_uuid: r.location },
    body: { weekly: { monday: [{ start: '00:00', end: '24:00' }] }, effective_from: day, effective_to: plusDays(day, 7) },
  }),
  listAudit: (r) => ({ query: { entity_uuid: r.patient } }),
  listAppointmentNotes: (r) => ({ params: { appointment_uuid: r.appointment } }),
  listWebhookDeliveries: (r) => ({ params: { webhook_uuid: r.webhook } }),
  listEvents: () => ({}),
};

/** The widest date_from..date_to range of each route that takes one, counting both days. */
const WIDEST: Partial<Record<RouteName, number>> = {
  listAppointments: MAX_APPOINTMENT_LIST_DAYS,
  getAvailability: MAX_AVAILABILITY_DAYS,
  listTimeOff: MAX_TIME_OFF_LIST_DAYS,
};

// ---- the inputs, from the document -------------------------------------------------------------

type JsonSchema = { type?: string; pattern?: string; allOf?: JsonSchema[]; anyOf?: JsonSchema[]; properties?: Record<string, JsonSchema>; $ref?: string; minimum?: number; maximum?: number };
type DateInput = { where: 'query' | 'body'; name: string; kind: 'date' | 'date-time' };
type IntegerInput = { name: string; minimum: number; maximum: number };
type Operation = { parameters: { name: string; in: string; schema: JsonSchema }[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } };

const document = buildOpenApiDocument();
const operationOf = (route: RouteSpec) => (document.paths as Record<string, Record<string, Operation>>)[route.path]![route.method.toLowerCase()]!;
const resolve = (schema: JsonSchema): JsonSchema =>
  schema.$ref ? (document.components.schemas as Record<string, JsonSchema>)[schema.$ref.replace('#/components/schemas/', '')]! : schema;

function patternsOf(schema: JsonSchema): string[] {
  return [schema.pattern, ...(schema.allOf ?? []).flatMap(patternsOf), ...(schema.anyOf ?? []).flatMap(patternsOf)].filter((p): p is string => p !== undefined);
}
function dateKind(schema: JsonSchema): DateInput['kind'] | undefined {
  const patterns = patternsOf(schema);
  if (patterns.some((p) => p.startsWith('^\\d{4}-\\d{2}-\\d{2}T'))) return 'date-time';
  if (patterns.includes('^\\d{4}-\\d{2}-\\d{2}$')) return 'date';
  return undefined;
}

function dateInputs(route: RouteSpec): DateInput[] {
  const operation = operationOf(route);
  const inQuery = operation.parameters.filter((p) => p.in === 'query').map((p) => ({ where: 'query' as const, name: p.name, kind: dateKind(p.schema) }));
  const body = operation.requestBody ? resolve(operation.requestBody.content['application/json']!.schema) : undefined;
  const inBody = Object.entries(body?.properties ?? {}).map(([name, schema]) => ({ where: 'body' as const, name, kind: dateKind(schema) }));
  return [...inQuery, ...inBody].filter((d): d is DateInput => d.kind !== undefined);
}

function integerInputs(route: RouteSpec): IntegerInput[] {
  return operationOf(route)
    .parameters.filter((p) => p.in === 'query' && p.schema.type === 'integer')
    .map((p) => ({ name: p.name, minimum: p.schema.minimum!, maximum: p.schema.maximum! }));
}

/** The other end of a pair of inputs (date_from/date_to, start/end, …), if the route has it. */
function partnerOf(input: DateInput, inputs: DateInput[]): DateInput | undefined {
  const swaps: [RegExp, string][] = [
    [/_from$/, '_to'],
    [/_to$/, '_from'],
    [/start$/, 'end'],
    [/end$/, 'start'],
  ];
  for (const [pattern, replacement] of swaps) {
    if (!pattern.test(input.name)) continue;
    const name = input.name.replace(pattern, replacement);
    return inputs.find((i) => i.where === input.where && i.name === name);
  }
  return undefined;
}

/** A date as the input takes it: date-times at 10:00 (an end at 11:00, so a pair stays in order). */
function valueFor(input: DateInput, date: string): string {
  if (input.kind === 'date') return date;
  return `${date}T${/end$/.test(input.name) ? '11' : '10'}:00:00`;
}

// ---- requests ----------------------------------------------------------------------------------

const fixture = useClinic();
let api: LocalApi;
let clinic: TestClinic;
let refs: Refs;

type Change = { query?: Record<string, string>; body?: Record<string, unknown> };
type Answer = { status: number; body: any; label: string };

async function send(name: RouteName, change: Change): Promise<Answer> {
  const route = routes[name] as RouteSpec;
  const fixture = FIXTURES[name]!(refs);
  const query = new URLSearchParams({ ...fixture.query, ...change.query }).toString();
  const url = `${pathOf(route, { org_id: clinic.orgId, ...fixture.params })}${query ? `?${query}` : ''}`;
  const body = fixture.body || change.body ? JSON.stringify({ ...fixture.body, ...change.body }) : undefined;
  const label = `${name} ${JSON.stringify(change)}`;
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(`${api.baseUrl}${url}`, {
      method: route.method,
      headers: { authorization: `Bearer ${clinic.token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
      signal: AbortSignal.timeout(DEADLINE_MS),
    });
  } catch (error) {
    throw new Error(`${label}: no answer within ${DEADLINE_MS} ms (${(error as Error).name})`, { cause: error });
  }
  const text = await res.text();
  const elapsed = performance.now() - started;
  const type = res.headers.get('content-type');
  const parsed = type?.includes('json') && text ? JSON.parse(text) : text;
  assertMatchesContract(route.method, url, res.status, type, parsed);
  expect(elapsed, `${label} took ${Math.round(elapsed)} ms`).toBeLessThan(DEADLINE_MS);
  expect(res.status, `${label}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) expect(type, label).toMatch(/^application\/problem\+json/);
  return { status: res.status, body: parsed, label };
}

const errorPaths = (answer: Answer) => ((answer.body?.errors ?? []) as { path: string }[]).map((e) => e.path);

/** A 400 naming each field; its messages never repeat the value sent. */
function expectRefused(answer: Answer, fields: string[], sent: string) {
  expect(answer.status, `${answer.label}: ${JSON.stringify(answer.body)}`).toBe(400);
  expect(errorPaths(answer), answer.label).toEqual(expect.arrayContaining(fields));
  // (Values of a few characters, such as 0, may well appear in a bound the message names.)
  if (sent.length >= 4) for (const error of answer.body.errors as { message: string }[]) expect(error.message, answer.label).not.toContain(sent);
}

/** The value itself is fine: whatever the answer, it does not call the field out of range. */
function expectInRange(answer: Answer, field: string) {
  const outOfRange = ((answer.body?.errors ?? []) as { path: string; message: string }[]).filter((e) => e.path === field && e.message === RANGE_MESSAGE);
  expect(outOfRange, answer.label).toEqual([]);
}

beforeAll(async () => {
  ({ api, clinic } = fixture);
  const { http } = fixture;
  const booked = await http.post(`/api/v1/${clinic.orgId}/appointments`, {
    patient_uuid: clinic.patients.jane.uuid,
    appointment_type_uuid: clinic.types.exam.uuid,
    location_uuid: clinic.location.uuid,
    provider_uuid: clinic.dentist.uuid,
    scheduled_start: `${day}T09:00:00`,
    scheduled_end: `${day}T10:00:00`,
  });
  expect(booked.status).toBe(201);
  const hook = await http.post(`/api/v1/${clinic.orgId}/webhooks`, { url: 'http://127.0.0.1:9/extremes', event_types: ['*'] });
  expect(hook.status).toBe(201);
  refs = { patient: clinic.patients.jane.uuid, appointment: booked.body.uuid, location: clinic.location.uuid, provider: clinic.dentist.uuid, type: clinic.types.exam.uuid, webhook: hook.body.uuid };
});

const withDates = routeList.filter((r) => dateInputs(r).length > 0);
const withIntegers = routeList.filter((r) => integerInputs(r).length > 0);

describe('extreme dates and ranges on every route (generated from the route table)', () => {
  it('finds the inputs, and has a fixture for every route that takes a date or a bounded integer', () => {
    expect(withDates.map((r) => r.name)).toEqual(
      expect.arrayContaining(['createPatient', 'listAppointments', 'getAvailability', 'listTimeOff', 'bookAppointment', 'updateAppointment', 'createTimeOff', 'putWorkingHours']),
    );
    expect(withIntegers.map((r) => r.name)).toEqual(expect.arrayContaining(['searchPatients', 'listAppointments', 'listPatientAppointments', 'listAudit', 'listEvents']));
    const needed = [...new Set([...withDates, ...withIntegers].map((r) => r.name))].sort();
    expect(Object.keys(FIXTURES).sort()).toEqual(needed);
    const ranged = withDates.filter((r) => dateInputs(r).some((d) => d.where === 'query' && d.name === 'date_from')).map((r) => r.name);
    expect(Object.keys(WIDEST).sort()).toEqual(ranged.sort());
  });

  it('answers the reported request (9999-12-30 to 9999-12-31) at once with a 400 naming both dates', async () => {
    const answer = await send('getAvailability', { query: { date_from: '9999-12-30', date_to: '9999-12-31' } });
    expectRefused(answer, ['query.date_from', 'query.date_to'], '9999-12-3');
  });

  it.each(withDates.map((r) => r.name))(
    '%s: every date input at and beyond both ends of the range',
    async (name) => {
      const inputs = dateInputs(routes[name] as RouteSpec);
      for (const input of inputs) {
        const field = `${input.where}.${input.name}`;
        const partner = partnerOf(input, inputs);
        const change = (value: string, alsoPartner: boolean): Change => {
          const values = { [input.name]: valueFor(input, value), ...(alsoPartner && partner ? { [partner.name]: valueFor(partner, value) } : {}) };
          return { [input.where]: values };
        };
        for (const date of OUTSIDE) {
          expectRefused(await send(name, change(date, false)), [field], date);
          if (partner) expectRefused(await send(name, change(date, true)), [field, `${partner.where}.${partner.name}`], date);
        }
        for (const date of EDGES) {
          expectInRange(await send(name, change(date, false)), field);
          if (partner) expectInRange(await send(name, change(date, true)), field);
        }
      }
    },
    120_000,
  );

  it.each(Object.keys(WIDEST) as RouteName[])(
    '%s: the widest range at both ends of the calendar answers; one day more is a 400 naming date_to',
    async (name) => {
      const maxDays = WIDEST[name]!;
      const latestFrom = plusDays(DATE_RANGE.max, -(maxDays - 1));
      for (const [from, to] of [
        [latestFrom, DATE_RANGE.max],
        [DATE_RANGE.min, plusDays(DATE_RANGE.min, maxDays - 1)],
        [day, plusDays(day, maxDays - 1)],
      ] as const) {
        const answer = await send(name, { query: { date_from: from, date_to: to } });
        expect(answer.status, `${answer.label}: ${JSON.stringify(answer.body)}`).toBe(200);
      }
      for (const [from, to] of [
        [plusDays(latestFrom, -1), DATE_RANGE.max],
        [day, plusDays(day, maxDays)],
        [DATE_RANGE.min, DATE_RANGE.max],
      ] as const) {
        const answer = await send(name, { query: { date_from: from, date_to: to } });
        expectRefused(answer, ['query.date_to'], to);
      }
    },
    60_000,
  );

  it.each(withIntegers.map((r) => r.name))(
    '%s: page numbers and sizes at, past and far past their bounds',
    async (name) => {
      const inputs = integerInputs(routes[name] as RouteSpec);
      for (const input of inputs) {
        for (const value of [input.minimum, input.maximum]) {
          const answer = await send(name, { query: { [input.name]: String(value) } });
          expect(answer.status, `${answer.label}: ${JSON.stringify(answer.body)}`).toBe(200);
        }
        for (const value of [String(input.maximum + 1), String(input.minimum - 1), '9'.repeat(30), '-1', '1e9']) {
          expectRefused(await send(name, { query: { [input.name]: value } }), [`query.${input.name}`], value);
        }
      }
      // Every bound at once: the last page of the largest size is empty, and as quick as the first.
      const all = Object.fromEntries(inputs.map((i) => [i.name, String(i.maximum)]));
      const last = await send(name, { query: all });
      expect(last.status, last.label).toBe(200);
      if ('page' in all) expect(last.body.items, last.label).toEqual([]);
    },
    60_000,
  );
});
