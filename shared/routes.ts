/**
 * The route table: the only place an API path is written, and the whole contract of each route.
 *
 * Each route is one module, `shared/routes/<handler>.ts`, saying how the route is called (method,
 * path, request schemas), what it answers (response schemas and the problem statuses it can
 * produce), who may call it (scope, and the scopes it accepts) and what it may touch (table access,
 * indexes). This file is the index of them all, and everything that needs the whole table reads it:
 * - the CDK stack makes one Lambda function, one HTTP API route and one least-privilege policy per entry;
 * - the local server routes the same paths to the same handler modules;
 * - the OpenAPI document, the docs page and the typed client are generated from it;
 * - the tests enumerate it.
 * A function imports only its own route's module (`#shared/routes/<handler>.ts`), never this index:
 * its bundle then holds that route's spec and schemas and nothing of the other routes'.
 * Add a route: its module under shared/routes/, one line here, and its `functions/<handler>.ts`.
 */
import type { RouteSpec, Scope } from './routes/spec.ts';
import { searchPatients } from './routes/search-patients.ts';
import { createPatient } from './routes/create-patient.ts';
import { getPatient } from './routes/get-patient.ts';
import { updatePatient } from './routes/update-patient.ts';
import { listAppointmentTypes } from './routes/list-appointment-types.ts';
import { bookAppointment } from './routes/book-appointment.ts';
import { getAppointment } from './routes/get-appointment.ts';
import { listAppointments } from './routes/list-appointments.ts';
import { listPatientAppointments } from './routes/list-patient-appointments.ts';
import { updateAppointment } from './routes/update-appointment.ts';
import { changeAppointmentStatus } from './routes/change-appointment-status.ts';
import { getAvailability } from './routes/get-availability.ts';
import { listLocations } from './routes/list-locations.ts';
import { createLocation } from './routes/create-location.ts';
import { getLocation } from './routes/get-location.ts';
import { updateLocation } from './routes/update-location.ts';
import { listOperatories } from './routes/list-operatories.ts';
import { createOperatory } from './routes/create-operatory.ts';
import { updateOperatory } from './routes/update-operatory.ts';
import { listProviders } from './routes/list-providers.ts';
import { createProvider } from './routes/create-provider.ts';
import { getProvider } from './routes/get-provider.ts';
import { updateProvider } from './routes/update-provider.ts';
import { listWorkingHours } from './routes/list-working-hours.ts';
import { putWorkingHours } from './routes/put-working-hours.ts';
import { listTimeOff } from './routes/list-time-off.ts';
import { createTimeOff } from './routes/create-time-off.ts';
import { deleteTimeOff } from './routes/delete-time-off.ts';
import { createAppointmentType } from './routes/create-appointment-type.ts';
import { getAppointmentType } from './routes/get-appointment-type.ts';
import { updateAppointmentType } from './routes/update-appointment-type.ts';
import { getSettings } from './routes/get-settings.ts';
import { updateSettings } from './routes/update-settings.ts';
import { listAudit } from './routes/list-audit.ts';
import { getOpenApiDocument } from './routes/get-openapi-document.ts';
import { getDocsPage } from './routes/get-docs-page.ts';
import { getDocsAsset } from './routes/get-docs-asset.ts';
import { createAppointmentNote } from './routes/create-appointment-note.ts';
import { listAppointmentNotes } from './routes/list-appointment-notes.ts';
import { whoami } from './routes/whoami.ts';
import { getDeskPage } from './routes/get-desk-page.ts';
import { getDeskAsset } from './routes/get-desk-asset.ts';
import { createWebhook } from './routes/create-webhook.ts';
import { listWebhooks } from './routes/list-webhooks.ts';
import { getWebhook } from './routes/get-webhook.ts';
import { updateWebhook } from './routes/update-webhook.ts';
import { deleteWebhook } from './routes/delete-webhook.ts';
import { rotateWebhookSecret } from './routes/rotate-webhook-secret.ts';
import { testWebhook } from './routes/test-webhook.ts';
import { listWebhookDeliveries } from './routes/list-webhook-deliveries.ts';
import { retryWebhookDelivery } from './routes/retry-webhook-delivery.ts';
import { listEvents } from './routes/list-events.ts';

export type { DomainErrorStatus, HttpMethod, ResponseSpec, RouteSpec, Scope, TableAccess } from './routes/spec.ts';
export { acceptedScopes, API_ROOT, pathOf, pathParameterNames } from './routes/spec.ts';

export const routes = {
  searchPatients,
  createPatient,
  getPatient,
  updatePatient,
  listAppointmentTypes,
  bookAppointment,
  getAppointment,
  listAppointments,
  listPatientAppointments,
  updateAppointment,
  changeAppointmentStatus,
  getAvailability,
  listLocations,
  createLocation,
  getLocation,
  updateLocation,
  listOperatories,
  createOperatory,
  updateOperatory,
  listProviders,
  createProvider,
  getProvider,
  updateProvider,
  listWorkingHours,
  putWorkingHours,
  listTimeOff,
  createTimeOff,
  deleteTimeOff,
  createAppointmentType,
  getAppointmentType,
  updateAppointmentType,
  getSettings,
  updateSettings,
  listAudit,
  getOpenApiDocument,
  getDocsPage,
  getDocsAsset,
  createAppointmentNote,
  listAppointmentNotes,
  whoami,
  getDeskPage,
  getDeskAsset,
  createWebhook,
  listWebhooks,
  getWebhook,
  updateWebhook,
  deleteWebhook,
  rotateWebhookSecret,
  testWebhook,
  listWebhookDeliveries,
  retryWebhookDelivery,
  listEvents,
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof routes;

export const routeList: ReadonlyArray<RouteSpec & { name: RouteName }> = Object.entries(routes).map(
  ([name, spec]) => ({ name: name as RouteName, ...spec }),
);

/**
 * The rule each route's `scopes` is written by, over the whole table: the route's own scope, and for
 * a GET of the `read` scope whose path an `admin` route changes (the same path, or a path under it)
 * also `admin` — a token that may change a thing may read it. No admin route changes patients or
 * appointments, so an admin-only token never reads a patient record. Clinical notes are the
 * `clinical` scope's alone (both their routes, nothing else): `read` and `write` never reach a note,
 * and `clinical` reaches no other data than notes. A route about the caller itself (`org: 'token'`:
 * whoami) admits every scope: it shows a token nothing but what the token is. Only the tests call it
 * (a function that did would bundle every route).
 */
export function acceptedScopesRule(route: RouteSpec, table: readonly RouteSpec[] = routeList): readonly Scope[] {
  if (route.scope === 'public') return [];
  if (route.org === 'token') return ['read', 'write', 'admin', 'clinical'];
  const changedByAdmin = table.some((r) => r.scope === 'admin' && r.method !== 'GET' && (r.path === route.path || r.path.startsWith(`${route.path}/`)));
  return route.method === 'GET' && route.scope === 'read' && changedByAdmin ? ['read', 'admin'] : [route.scope];
}
