/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas — the same schemas
 * `apiHandler` validates requests with — so the document cannot drift from the code. There is no
 * hand-maintained copy: `GET /api/v1/openapi.json`, `/docs`, `npm run openapi` and the typed client
 * all come from this function.
 */
import * as z from 'zod/mini';
import { PROBLEM_TYPES, problemTypeUri } from '../errors.ts';
import { pathParameterNames, routeList, type RouteName, type RouteSpec } from '../routes.ts';
import { Problem, queryIntegers } from '../schemas/common.ts';
import { Appointment, BookAppointmentBody } from '../schemas/appointments.ts';
import { AppointmentTypeList } from '../schemas/appointment-types.ts';
import { CreatePatientBody, Patient, PatientPage } from '../schemas/patients.ts';
import { examples } from '../schemas/examples.ts';

/**
 * The examples of each route in the document (the guide's objects, shared/schemas/examples.ts): its
 * request body, and its success responses by status. Here, beside their one user, so the schemas
 * need not know the route table.
 */
const routeExamples: { [K in RouteName]?: { body?: unknown; responses?: Record<number, unknown> } } = {
  searchPatients: { responses: { 200: examples.patientPage } },
  createPatient: { body: examples.createPatient, responses: { 201: examples.patient } },
  getPatient: { responses: { 200: examples.patient } },
  updatePatient: { body: { is_active: false }, responses: { 200: { ...examples.patient, is_active: false, archived_at: '2025-06-01T16:30:00.000Z' } } },
  listAppointmentTypes: { responses: { 200: examples.appointmentTypes } },
  bookAppointment: { body: examples.bookAppointment, responses: { 201: examples.appointment } },
  getAppointment: { responses: { 200: examples.appointment } },
  createAppointmentNote: { body: examples.createAppointmentNote, responses: { 201: examples.appointmentNote } },
  listEvents: { responses: { 200: examples.eventFeed } },
};

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

export const API_VERSION = '1.0.0';

/** Schemas shown by name on the docs page (and in the generated client), with the side they describe. */
const NAMED: [string, z.ZodMiniType, Io][] = [
  ['Patient', Patient, 'output'],
  ['PatientPage', PatientPage, 'output'],
  ['NewPatient', CreatePatientBody, 'input'],
  ['AppointmentTypeList', AppointmentTypeList, 'output'],
  ['Appointment', Appointment, 'output'],
  ['NewAppointment', BookAppointmentBody, 'input'],
  ['Problem', Problem, 'output'],
];

function toSchema(schema: z.ZodMiniType, io: Io): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      const integer = queryIntegers.get(ctx.zodSchema);
      if (!integer) return;
      const { description } = ctx.jsonSchema;
      for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as JsonSchema)[key];
      Object.assign(ctx.jsonSchema, { type: 'integer', ...integer }, description ? { description } : {});
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

function schemaOrRef(schema: z.ZodMiniType, io: Io): JsonSchema {
  const named = NAMED.find(([, s, side]) => s === schema && side === io);
  return named ? { $ref: `#/components/schemas/${named[0]}` } : toSchema(schema, io);
}

/** Path or query parameters from an object schema, one per property. */
function parameters(where: 'path' | 'query' | 'header', schema: z.ZodMiniType | undefined): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (required.has(name) && !('default' in rest)),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const problemContent = (example?: unknown) => ({
  'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' }, ...(example ? { example } : {}) },
});

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request breaks the schema (malformed JSON, missing or unknown fields, wrong types); `errors` lists each field.',
  401: 'No token, or an unknown, revoked or expired one.',
  403: "The token belongs to another organisation, or lacks this route's scope.",
  404: 'The resource in the path does not exist in this organisation.',
  409: 'A conflict: for a booking, the provider or operatory is already booked in the window (`slot-conflict`; `conflicts` names the resource and the appointment); for a deactivation, future appointments still use the provider or operatory (`has-appointments`, each named in `conflicts`); for a status change, a transition that is not allowed, back to `scheduled` included (`status-conflict`, with `current_status` and `requested_status`); elsewhere, a value that must be unique is taken.',
  412: 'The resource changed since the ETag in If-Match.',
  413: 'The request body is larger than 64 KiB.',
  415: 'The body is not `application/json`.',
  422: 'The request is well-formed but cannot be carried out; `errors` lists the fields.',
  500: 'An unexpected error; it has been logged.',
  503: 'DynamoDB is throttling or unreachable, or the schedule kept changing: nothing was written; retry after `Retry-After` seconds.',
};

/** Every problem status a route can answer: its own, plus those that follow from its shape. */
export function errorStatuses(route: RouteSpec): number[] {
  const statuses = new Set<number>([...route.errors, 500]);
  const hasInput = route.request.params || route.request.query || route.request.headers || route.request.body;
  if (hasInput) statuses.add(400);
  if (route.request.body) statuses.add(415);
  // Every function refuses a body over 64 KiB first, whatever the route (shared/http/handler.ts).
  statuses.add(413);
  if (route.scope !== 'public') [401, 403, 503].forEach((s) => statuses.add(s));
  return [...statuses].sort((a, b) => a - b);
}

function operation(route: RouteSpec & { name: RouteName }) {
  const routeExample = routeExamples[route.name];
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const example = routeExample?.responses?.[Number(status)];
    responses[status] = {
      description: spec.description,
      ...(spec.headers
        ? { headers: Object.fromEntries(Object.entries(spec.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) }
        : {}),
      ...(spec.schema
        ? { content: { 'application/json': { schema: schemaOrRef(spec.schema, 'output'), ...(example ? { example } : {}) } } }
        : spec.contentTypes
          ? { content: Object.fromEntries(spec.contentTypes.map((type) => [type, { schema: type.endsWith('json') ? { type: 'object' } : { type: 'string' } }])) }
          : {}),
    };
  }
  for (const status of errorStatuses(route)) {
    responses[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'Error',
      ...(status === 503 ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'string' } } } } : {}),
      content: problemContent(status === 409 ? examples.conflict : undefined),
    };
  }
  return {
    operationId: route.name,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.scope === 'public' ? [] : [{ bearerAuth: [] }],
    ...(route.scope === 'public' ? {} : { 'x-required-scope': route.scope, ...(route.scopes.length > 1 ? { 'x-accepted-scopes': route.scopes } : {}) }),
    parameters: [...parameters('path', route.request.params), ...parameters('query', route.request.query), ...parameters('header', route.request.headers)],
    ...(route.request.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: schemaOrRef(route.request.body, 'input'),
                ...(routeExample?.body ? { example: routeExample.body } : {}),
              },
            },
          },
        }
      : {}),
    responses,
  };
}

export function buildOpenApiDocument(options: { serverUrl?: string } = {}) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routeList) {
    const declared = pathParameterNames(route.path);
    const schemaNames = parameters('path', route.request.params).map((p) => p.name);
    if (declared.join() !== schemaNames.join()) {
      throw new Error(`route ${route.name}: path parameters ${declared.join()} but schema has ${schemaNames.join()}`);
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Dental booking API',
      version: API_VERSION,
      description: [
        'Find a patient, pick an appointment type, book — without ever double-booking a provider or an operatory.',
        '',
        'Times are wall-clock times in the location’s IANA time zone (`2025-05-20T10:00:00`); inside the repeated hour of a fall-back day they carry their offset. Errors are RFC 9457 `application/problem+json`. Lists are paginated with `page` (from 1) and `page_size`, and give `total`.',
        '',
        `Problem types: ${Object.keys(PROBLEM_TYPES).map((t) => `\`${problemTypeUri(t as keyof typeof PROBLEM_TYPES)}\``).join(', ')}.`,
      ].join('\n'),
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [
      { name: 'Patients', description: 'Who is being booked' },
      { name: 'Scheduling', description: 'What kind of visit, and when' },
      { name: 'Clinical notes', description: 'Append-only notes on appointments (the `clinical` scope only)' },
      { name: 'Practice setup', description: 'Locations, operatories, providers, working hours, time off and settings' },
      { name: 'Events and webhooks', description: 'What changed, pushed to your endpoints (signed, retried) or pulled from a feed' },
      { name: 'API description', description: 'This document and its reference page' },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(NAMED.map(([name, schema, io]) => [name, toSchema(schema, io)])),
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (`dbk_…`) of the organisation in the path, created with `npm run admin -- create-token`.',
        },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
