/**
 * The route table: the only place an API path is written, and the whole contract of each route.
 *
 * Each entry says how the route is called (method, path, request schemas), what it answers
 * (response schemas and the problem statuses it can produce), who may call it (scope) and what it may
 * touch (table access, indexes). Everything else reads it:
 * - the CDK stack makes one Lambda function, one HTTP API route and one least-privilege policy per entry;
 * - the local server routes the same paths to the same handler modules;
 * - `apiHandler` validates requests with these very schemas;
 * - the OpenAPI document, the docs page and the typed client are generated from it;
 * - the tests enumerate it.
 * Add a route here and it appears everywhere.
 */
import type * as z from 'zod';
import type { IndexName } from './db/table-definition.ts';
import { INDEXES } from './db/table-definition.ts';
import { IdempotencyHeaders, IfMatchHeaders, OrgPath } from './schemas/common.ts';
import { CreatePatientBody, Patient, PatientPage, PatientPath, SearchPatientsQuery } from './schemas/patients.ts';
import { AppointmentTypeList, ListAppointmentTypesQuery } from './schemas/appointment-types.ts';
import {
  Appointment,
  AppointmentPage,
  AppointmentPath,
  BookAppointmentBody,
  ChangeStatusBody,
  ListAppointmentsQuery,
  PatientAppointmentsQuery,
  UpdateAppointmentBody,
} from './schemas/appointments.ts';
import { DOCS_ASSETS, DocsAssetPath } from './schemas/docs.ts';
import { AuditPage, AuditQuery } from './schemas/audit.ts';
import {
  AppointmentTypePath,
  Availability,
  AvailabilityQuery,
  CreateAppointmentTypeBody,
  CreateLocationBody,
  CreateOperatoryBody,
  CreateProviderBody,
  CreateTimeOffBody,
  ListProvidersQuery,
  ListTimeOffQuery,
  Location,
  LocationList,
  LocationPath,
  Operatory,
  OperatoryList,
  OperatoryPath,
  Provider,
  ProviderList,
  ProviderPath,
  PutWorkingHoursBody,
  Settings,
  TimeOff,
  TimeOffList,
  TimeOffPath,
  UpdateAppointmentTypeBody,
  UpdateLocationBody,
  UpdateOperatoryBody,
  UpdateProviderBody,
  UpdateSettingsBody,
  WorkingHoursChange,
  WorkingHoursList,
  WorkingHoursPath,
} from './schemas/practice.ts';
import { AppointmentType } from './schemas/appointment-types.ts';
import { examples } from './schemas/examples.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Token scopes: `read` for GETs, `write` for patient and appointment changes, `admin` for practice setup. */
export type Scope = 'read' | 'write' | 'admin';

/**
 * DynamoDB actions a route's function may call. `read` can only read; `read-write` adds item writes
 * (PutItem, UpdateItem, DeleteItem, ConditionCheckItem — what TransactWriteItems is authorised as);
 * `none` gets no table access at all.
 */
export type TableAccess = 'none' | 'read' | 'read-write';

/** Problem statuses a route's own logic can answer with (the generic ones are added per route shape). */
export type DomainErrorStatus = 404 | 409 | 412 | 422;

export type ResponseSpec = {
  description: string;
  /** JSON body schema (output side); omit for non-JSON bodies. */
  schema?: z.ZodType;
  /** Media types of a body that has no JSON schema (documents, pages, files). */
  contentTypes?: readonly string[];
  example?: unknown;
  /** Response headers worth documenting, name -> description. */
  headers?: Record<string, string>;
};

export type RouteSpec = {
  method: HttpMethod;
  /** API Gateway path syntax: `{name}` for a path parameter. */
  path: string;
  /** Module under `functions/` that exports `handler`. */
  handler: string;
  summary: string;
  description?: string;
  /** Grouping on the docs page. */
  tag: 'Patients' | 'Scheduling' | 'Practice setup' | 'API description';
  /** The token scope the route needs; `public` routes skip the authorizer (API description only). */
  scope: Scope | 'public';
  table: TableAccess;
  /** Indexes the function queries; it may query no others. */
  indexes?: readonly IndexName[];
  request: { params?: z.ZodType; query?: z.ZodType; headers?: z.ZodType; body?: z.ZodType; bodyExample?: unknown };
  /** Success responses by status. */
  responses: Record<number, ResponseSpec>;
  errors: readonly DomainErrorStatus[];
  /**
   * The function records audit entries (reads and changes of patient records, appointment changes).
   * It may then put audit items — and only audit items: its grant is limited to audit partitions —
   * even on a read-only route.
   */
  audit?: boolean;
  /** Files from node_modules the deployed function reads at run time, copied beside its bundle. */
  bundleFiles?: readonly string[];
};

const V1 = '/api/v1/{org_id}';

export const routes = {
  searchPatients: {
    method: 'GET',
    path: `${V1}/patients`,
    handler: 'search-patients',
    tag: 'Patients',
    summary: 'Search patients by name',
    description:
      'Case- and accent-insensitive prefix match on first or last name. Several words narrow the search: each must match the first or the last name (`jan smi` finds Jane Smith, not Jonathan Smith). Ordered by last name, then first name.',
    scope: 'read',
    table: 'read',
    audit: true,
    indexes: [INDEXES.patientsByName.name],
    request: { params: OrgPath, query: SearchPatientsQuery },
    responses: { 200: { description: 'One page of matching patients', schema: PatientPage, example: examples.patientPage } },
    errors: [422],
  },
  createPatient: {
    method: 'POST',
    path: `${V1}/patients`,
    handler: 'create-patient',
    tag: 'Patients',
    summary: 'Create a patient',
    scope: 'write',
    table: 'read-write',
    audit: true,
    request: { params: OrgPath, headers: IdempotencyHeaders, body: CreatePatientBody, bodyExample: examples.createPatient },
    responses: {
      201: { description: 'The patient, created', schema: Patient, example: examples.patient, headers: { Location: 'The new patient’s URL' } },
    },
    errors: [422],
  },
  getPatient: {
    method: 'GET',
    path: `${V1}/patients/{patient_uuid}`,
    handler: 'get-patient',
    tag: 'Patients',
    summary: 'Read a patient',
    scope: 'read',
    table: 'read',
    audit: true,
    request: { params: PatientPath },
    responses: { 200: { description: 'The patient', schema: Patient, example: examples.patient } },
    errors: [404],
  },
  listAppointmentTypes: {
    method: 'GET',
    path: `${V1}/appointment-types`,
    handler: 'list-appointment-types',
    tag: 'Scheduling',
    summary: "List the practice's appointment types",
    description: 'Ordered by name. `is_active=true` leaves out archived types.',
    scope: 'read',
    table: 'read',
    request: { params: OrgPath, query: ListAppointmentTypesQuery },
    responses: { 200: { description: 'The appointment types', schema: AppointmentTypeList, example: examples.appointmentTypes } },
    errors: [],
  },
  bookAppointment: {
    method: 'POST',
    path: `${V1}/appointments`,
    handler: 'book-appointment',
    tag: 'Scheduling',
    summary: 'Book an appointment',
    description:
      'Books the provider and an operatory (the one named, or a free one of the location) for the window, atomically. `409` if either is already booked: `conflicts` names the resource and the appointment in the way. Adjacent windows never conflict.',
    scope: 'write',
    table: 'read-write',
    audit: true,
    request: { params: OrgPath, headers: IdempotencyHeaders, body: BookAppointmentBody, bodyExample: examples.bookAppointment },
    responses: {
      201: { description: 'The appointment, booked', schema: Appointment, example: examples.appointment, headers: { Location: 'The new appointment’s URL' } },
    },
    errors: [404, 409, 422],
  },
  getAppointment: {
    method: 'GET',
    path: `${V1}/appointments/{appointment_uuid}`,
    handler: 'get-appointment',
    tag: 'Scheduling',
    summary: 'Read an appointment',
    scope: 'read',
    table: 'read',
    request: { params: AppointmentPath },
    responses: { 200: { description: 'The appointment', schema: Appointment, example: examples.appointment, headers: { ETag: 'Its version, for If-Match' } } },
    errors: [404],
  },
  listAppointments: {
    method: 'GET',
    path: `${V1}/appointments`,
    handler: 'list-appointments',
    tag: 'Scheduling',
    summary: 'Day views: appointments in a date range',
    description: 'Filtered by location, provider, operatory, patient and status; ordered by start; paginated. Served by the appointments-by-start index.',
    scope: 'read',
    table: 'read',
    indexes: [INDEXES.appointmentsByStart.name],
    request: { params: OrgPath, query: ListAppointmentsQuery },
    responses: { 200: { description: 'One page of appointments, by start', schema: AppointmentPage } },
    errors: [],
  },
  listPatientAppointments: {
    method: 'GET',
    path: `${V1}/patients/{patient_uuid}/appointments`,
    handler: 'list-patient-appointments',
    tag: 'Patients',
    summary: "A patient's appointments",
    description: 'Ordered by start, paginated, optionally filtered by status. Served by the appointments-by-patient index.',
    scope: 'read',
    table: 'read',
    audit: true,
    indexes: [INDEXES.appointmentsByPatient.name],
    request: { params: PatientPath, query: PatientAppointmentsQuery },
    responses: { 200: { description: 'One page of the patient’s appointments, by start', schema: AppointmentPage } },
    errors: [404],
  },
  updateAppointment: {
    method: 'PATCH',
    path: `${V1}/appointments/{appointment_uuid}`,
    handler: 'update-appointment',
    tag: 'Scheduling',
    summary: 'Reschedule or edit an appointment',
    description:
      'Changes the window, provider, operatory, type or notes of a scheduled or confirmed appointment. A move is one transaction that releases the slots no longer covered and takes the new ones — only the difference, so 10:00–11:00 → 10:30–11:30 never conflicts with itself. On a conflict nothing changes and the 409 names the appointment in the way. The uuid stays the same.',
    scope: 'write',
    table: 'read-write',
    audit: true,
    request: { params: AppointmentPath, headers: IfMatchHeaders, body: UpdateAppointmentBody },
    responses: { 200: { description: 'The appointment, changed', schema: Appointment, headers: { ETag: 'Its new version' } } },
    errors: [404, 409, 412, 422],
  },
  changeAppointmentStatus: {
    method: 'PATCH',
    path: `${V1}/appointments/{appointment_uuid}/status`,
    handler: 'change-appointment-status',
    tag: 'Scheduling',
    summary: 'Confirm, check in, complete, cancel or mark a no-show',
    description:
      'scheduled → confirmed → arrived → completed; scheduled or confirmed → cancelled; scheduled or confirmed → no_show once the start has passed. Any other transition is a 409 naming the current and requested status. Cancelling and no_show free the time slots in the same transaction. Every change is kept in `status_history`.',
    scope: 'write',
    table: 'read-write',
    audit: true,
    request: { params: AppointmentPath, headers: IfMatchHeaders, body: ChangeStatusBody },
    responses: { 200: { description: 'The appointment, changed', schema: Appointment, headers: { ETag: 'Its new version' } } },
    errors: [404, 409, 412],
  },
  getAvailability: {
    method: 'GET',
    path: `${V1}/schedule/availability`,
    handler: 'get-availability',
    tag: 'Scheduling',
    summary: 'Open time to book',
    description:
      'Windows of the appointment type’s length (or `duration_minutes`) on the practice’s grid, in the location’s local time, each with a provider who works then and has it free and the operatories free for the whole window. Every window returned books at that moment. At most 14 days per request.',
    scope: 'read',
    table: 'read',
    request: { params: OrgPath, query: AvailabilityQuery },
    responses: { 200: { description: 'The open windows, by start', schema: Availability } },
    errors: [422],
  },
  listLocations: {
    method: 'GET',
    path: `${V1}/locations`,
    handler: 'list-locations',
    tag: 'Practice setup',
    summary: 'List locations',
    scope: 'read',
    table: 'read',
    request: { params: OrgPath },
    responses: { 200: { description: 'The locations, by name', schema: LocationList } },
    errors: [],
  },
  createLocation: {
    method: 'POST',
    path: `${V1}/locations`,
    handler: 'create-location',
    tag: 'Practice setup',
    summary: 'Create a location',
    scope: 'admin',
    table: 'read-write',
    request: { params: OrgPath, body: CreateLocationBody },
    responses: { 201: { description: 'The location', schema: Location, headers: { Location: 'Its URL' } } },
    errors: [],
  },
  getLocation: {
    method: 'GET',
    path: `${V1}/locations/{location_uuid}`,
    handler: 'get-location',
    tag: 'Practice setup',
    summary: 'Read a location',
    scope: 'read',
    table: 'read',
    request: { params: LocationPath },
    responses: { 200: { description: 'The location', schema: Location } },
    errors: [404],
  },
  updateLocation: {
    method: 'PATCH',
    path: `${V1}/locations/{location_uuid}`,
    handler: 'update-location',
    tag: 'Practice setup',
    summary: 'Change a location',
    description: 'Booked appointments keep the time zone they were booked in.',
    scope: 'admin',
    table: 'read-write',
    request: { params: LocationPath, body: UpdateLocationBody },
    responses: { 200: { description: 'The location, changed', schema: Location } },
    errors: [404],
  },
  listOperatories: {
    method: 'GET',
    path: `${V1}/locations/{location_uuid}/operatories`,
    handler: 'list-operatories',
    tag: 'Practice setup',
    summary: "List a location's operatories",
    scope: 'read',
    table: 'read',
    request: { params: LocationPath },
    responses: { 200: { description: 'The operatories, by name', schema: OperatoryList } },
    errors: [404],
  },
  createOperatory: {
    method: 'POST',
    path: `${V1}/locations/{location_uuid}/operatories`,
    handler: 'create-operatory',
    tag: 'Practice setup',
    summary: 'Add an operatory (chair) to a location',
    scope: 'admin',
    table: 'read-write',
    request: { params: LocationPath, body: CreateOperatoryBody },
    responses: { 201: { description: 'The operatory', schema: Operatory } },
    errors: [404],
  },
  updateOperatory: {
    method: 'PATCH',
    path: `${V1}/locations/{location_uuid}/operatories/{operatory_uuid}`,
    handler: 'update-operatory',
    tag: 'Practice setup',
    summary: 'Rename or deactivate an operatory',
    description:
      'Deactivating an operatory that future live appointments use is refused with 409 `has-appointments`, naming each in `conflicts`: move or cancel them first. A deactivated operatory takes no new bookings.',
    scope: 'admin',
    table: 'read-write',
    request: { params: OperatoryPath, body: UpdateOperatoryBody },
    responses: { 200: { description: 'The operatory, changed', schema: Operatory } },
    errors: [404, 409],
  },
  listProviders: {
    method: 'GET',
    path: `${V1}/providers`,
    handler: 'list-providers',
    tag: 'Practice setup',
    summary: 'List providers',
    scope: 'read',
    table: 'read',
    request: { params: OrgPath, query: ListProvidersQuery },
    responses: { 200: { description: 'The providers, by last name', schema: ProviderList } },
    errors: [],
  },
  createProvider: {
    method: 'POST',
    path: `${V1}/providers`,
    handler: 'create-provider',
    tag: 'Practice setup',
    summary: 'Create a provider',
    scope: 'admin',
    table: 'read-write',
    request: { params: OrgPath, body: CreateProviderBody },
    responses: { 201: { description: 'The provider', schema: Provider, headers: { Location: 'Its URL' } } },
    errors: [],
  },
  getProvider: {
    method: 'GET',
    path: `${V1}/providers/{provider_uuid}`,
    handler: 'get-provider',
    tag: 'Practice setup',
    summary: 'Read a provider',
    scope: 'read',
    table: 'read',
    request: { params: ProviderPath },
    responses: { 200: { description: 'The provider', schema: Provider } },
    errors: [404],
  },
  updateProvider: {
    method: 'PATCH',
    path: `${V1}/providers/{provider_uuid}`,
    handler: 'update-provider',
    tag: 'Practice setup',
    summary: 'Change or deactivate a provider',
    description:
      'Deactivating a provider who has future live appointments is refused with 409 `has-appointments`, naming each in `conflicts`: move or cancel them first. A deactivated provider takes no new bookings.',
    scope: 'admin',
    table: 'read-write',
    request: { params: ProviderPath, body: UpdateProviderBody },
    responses: { 200: { description: 'The provider, changed', schema: Provider } },
    errors: [404, 409],
  },
  listWorkingHours: {
    method: 'GET',
    path: `${V1}/providers/{provider_uuid}/working-hours`,
    handler: 'list-working-hours',
    tag: 'Practice setup',
    summary: "A provider's working hours at each location",
    scope: 'read',
    table: 'read',
    request: { params: ProviderPath },
    responses: { 200: { description: 'Working hours per location', schema: WorkingHoursList } },
    errors: [404],
  },
  putWorkingHours: {
    method: 'PUT',
    path: `${V1}/providers/{provider_uuid}/working-hours/{location_uuid}`,
    handler: 'put-working-hours',
    tag: 'Practice setup',
    summary: "Replace a provider's weekly hours at a location",
    description:
      'Local times of the location, per weekday; the whole week is replaced from `effective_from` on (today when absent). A future `effective_from` schedules the change: the hours in force stay until the day before, and bookings and availability use the hours in force on each date. Existing appointments are not moved: `affected_appointments` lists the future live ones the new hours leave outside.',
    scope: 'admin',
    table: 'read-write',
    request: { params: WorkingHoursPath, body: PutWorkingHoursBody },
    responses: { 200: { description: 'The working hours, with the appointments they leave outside', schema: WorkingHoursChange } },
    errors: [404, 422],
  },
  listTimeOff: {
    method: 'GET',
    path: `${V1}/time-off`,
    handler: 'list-time-off',
    tag: 'Practice setup',
    summary: 'Time off of a provider or an operatory in a date range',
    scope: 'read',
    table: 'read',
    request: { params: OrgPath, query: ListTimeOffQuery },
    responses: { 200: { description: 'Time off overlapping the range, by start', schema: TimeOffList } },
    errors: [422],
  },
  createTimeOff: {
    method: 'POST',
    path: `${V1}/time-off`,
    handler: 'create-time-off',
    tag: 'Practice setup',
    summary: 'Block a provider or an operatory',
    description:
      'Local start and end at the location. Existing appointments in the block are not cancelled: `affected_appointments` lists the live ones it overlaps (the front desk calls those patients). Bookings and moves committed after it are refused with 422, however close in time; availability leaves it out.',
    scope: 'admin',
    table: 'read-write',
    request: { params: OrgPath, body: CreateTimeOffBody },
    responses: { 201: { description: 'The time off', schema: TimeOff } },
    errors: [422],
  },
  deleteTimeOff: {
    method: 'DELETE',
    path: `${V1}/time-off/{time_off_uuid}`,
    handler: 'delete-time-off',
    tag: 'Practice setup',
    summary: 'Remove time off',
    scope: 'admin',
    table: 'read-write',
    request: { params: TimeOffPath },
    responses: { 204: { description: 'Removed' } },
    errors: [404],
  },
  createAppointmentType: {
    method: 'POST',
    path: `${V1}/appointment-types`,
    handler: 'create-appointment-type',
    tag: 'Scheduling',
    summary: 'Create an appointment type',
    scope: 'admin',
    table: 'read-write',
    request: { params: OrgPath, body: CreateAppointmentTypeBody },
    responses: { 201: { description: 'The appointment type', schema: AppointmentType, headers: { Location: 'Its URL' } } },
    errors: [409],
  },
  getAppointmentType: {
    method: 'GET',
    path: `${V1}/appointment-types/{appointment_type_uuid}`,
    handler: 'get-appointment-type',
    tag: 'Scheduling',
    summary: 'Read an appointment type',
    scope: 'read',
    table: 'read',
    request: { params: AppointmentTypePath },
    responses: { 200: { description: 'The appointment type', schema: AppointmentType } },
    errors: [404],
  },
  updateAppointmentType: {
    method: 'PATCH',
    path: `${V1}/appointment-types/{appointment_type_uuid}`,
    handler: 'update-appointment-type',
    tag: 'Scheduling',
    summary: 'Change or archive an appointment type',
    scope: 'admin',
    table: 'read-write',
    request: { params: AppointmentTypePath, body: UpdateAppointmentTypeBody },
    responses: { 200: { description: 'The appointment type, changed', schema: AppointmentType } },
    errors: [404, 409],
  },
  getSettings: {
    method: 'GET',
    path: `${V1}/settings`,
    handler: 'get-settings',
    tag: 'Practice setup',
    summary: "The organisation's settings",
    scope: 'read',
    table: 'read',
    request: { params: OrgPath },
    responses: { 200: { description: 'The settings', schema: Settings } },
    errors: [404],
  },
  updateSettings: {
    method: 'PATCH',
    path: `${V1}/settings`,
    handler: 'update-settings',
    tag: 'Practice setup',
    summary: 'Change slot granularity, booking horizon or name',
    description: 'The granularity must be a multiple of `lock_granule_minutes` (fixed when the organisation was created).',
    scope: 'admin',
    table: 'read-write',
    request: { params: OrgPath, body: UpdateSettingsBody },
    responses: { 200: { description: 'The settings, changed', schema: Settings } },
    errors: [404, 422],
  },
  listAudit: {
    method: 'GET',
    path: `${V1}/audit`,
    handler: 'list-audit',
    tag: 'Practice setup',
    summary: 'Who read or changed a patient record or an appointment',
    description: 'Entries for one entity (patient or appointment uuid), newest first, kept for the stage’s audit retention. Admin tokens only.',
    scope: 'admin',
    table: 'read',
    request: { params: OrgPath, query: AuditQuery },
    responses: { 200: { description: 'Audit entries, newest first', schema: AuditPage } },
    errors: [],
  },
  getOpenApiDocument: {
    method: 'GET',
    path: '/api/v1/openapi.json',
    handler: 'get-openapi-document',
    tag: 'API description',
    summary: 'This API as an OpenAPI 3.1 document',
    scope: 'public',
    table: 'none',
    request: {},
    responses: { 200: { description: 'The OpenAPI document', contentTypes: ['application/json'] } },
    errors: [],
  },
  getDocsPage: {
    method: 'GET',
    path: '/docs',
    handler: 'get-docs-page',
    tag: 'API description',
    summary: 'Human-readable API reference',
    scope: 'public',
    table: 'none',
    request: {},
    responses: { 200: { description: 'The reference page (Swagger UI)', contentTypes: ['text/html'] } },
    errors: [],
  },
  getDocsAsset: {
    method: 'GET',
    path: '/docs/{asset}',
    handler: 'get-docs-asset',
    tag: 'API description',
    summary: 'Script and style of the reference page',
    scope: 'public',
    table: 'none',
    request: { params: DocsAssetPath },
    bundleFiles: Object.keys(DOCS_ASSETS).map((name) => `swagger-ui-dist/${name}`),
    responses: { 200: { description: 'The file', contentTypes: [...new Set(Object.values(DOCS_ASSETS).map((t) => t.split(';')[0]!))] } },
    errors: [404],
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof routes;

export const routeList: ReadonlyArray<RouteSpec & { name: RouteName }> = Object.entries(routes).map(
  ([name, spec]) => ({ name: name as RouteName, ...spec }),
);

/** The Lambda authorizer that runs before every non-public route (in AWS and in the local server). */
export const authorizerFunction = { handler: 'authorizer', table: 'read' } as const;

/** Path parameter names of a route path, in order. */
/**
 * The scopes any one of which admits a token to a route: the route's own, and for a read of what
 * `admin` routes change (the same path, or a path under it: settings, locations, operatories,
 * providers, working hours, time off, appointment types) also `admin` — a token that may change a
 * thing may read it. No admin route changes patients or appointments, so an admin-only token never
 * reads a patient record.
 */
export function acceptedScopes(route: RouteSpec): readonly Scope[] {
  if (route.scope === 'public') return [];
  const changedByAdmin = routeList.some((r) => r.scope === 'admin' && r.method !== 'GET' && (r.path === route.path || r.path.startsWith(`${route.path}/`)));
  return route.method === 'GET' && route.scope === 'read' && changedByAdmin ? ['read', 'admin'] : [route.scope];
}

export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1] as string);
}

/** A concrete path of a route, its `{name}` parameters filled in (for `Location` headers and links). */
export function pathOf(route: RouteSpec, params: Record<string, string>): string {
  return route.path.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}
