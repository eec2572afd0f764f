/**
 * The route table: the only place an API path is written.
 *
 * The CDK stack makes one Lambda function and one HTTP API route per entry and grants it exactly the
 * table access listed here; the local server routes the same paths to the same handler modules; the
 * tests enumerate it. Add a route here and it appears everywhere.
 */
import type { IndexName } from './db/table-definition.ts';
import { INDEXES } from './db/table-definition.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Token scopes: `read` for GETs, `write` for patient and appointment changes, `admin` for practice setup. */
export type Scope = 'read' | 'write' | 'admin';

/**
 * DynamoDB actions a route's function may call. `read` can only read; `read-write` adds item writes
 * (PutItem, UpdateItem, DeleteItem, ConditionCheckItem — what TransactWriteItems is authorised as).
 */
export type TableAccess = 'read' | 'read-write';

export type RouteSpec = {
  method: HttpMethod;
  /** API Gateway path syntax: `{name}` for a path parameter. */
  path: string;
  /** Module under `functions/` that exports `handler`. */
  handler: string;
  scope: Scope;
  table: TableAccess;
  /** Indexes the function queries; it may query no others. */
  indexes?: readonly IndexName[];
  summary: string;
};

const V1 = '/api/v1/{org_id}';

export const routes = {
  searchPatients: {
    method: 'GET',
    path: `${V1}/patients`,
    handler: 'search-patients',
    scope: 'read',
    table: 'read',
    indexes: [INDEXES.patientsByName.name],
    summary: 'Search patients by first or last name prefix',
  },
  createPatient: {
    method: 'POST',
    path: `${V1}/patients`,
    handler: 'create-patient',
    scope: 'write',
    table: 'read-write',
    summary: 'Create a patient',
  },
  getPatient: {
    method: 'GET',
    path: `${V1}/patients/{patient_uuid}`,
    handler: 'get-patient',
    scope: 'read',
    table: 'read',
    summary: 'Read one patient',
  },
  listAppointmentTypes: {
    method: 'GET',
    path: `${V1}/appointment-types`,
    handler: 'list-appointment-types',
    scope: 'read',
    table: 'read',
    summary: "List the practice's appointment types",
  },
  bookAppointment: {
    method: 'POST',
    path: `${V1}/appointments`,
    handler: 'book-appointment',
    scope: 'write',
    table: 'read-write',
    summary: 'Book an appointment (409 if the provider or operatory is taken)',
  },
  getAppointment: {
    method: 'GET',
    path: `${V1}/appointments/{appointment_uuid}`,
    handler: 'get-appointment',
    scope: 'read',
    table: 'read',
    summary: 'Read one appointment',
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof routes;

export const routeList: ReadonlyArray<RouteSpec & { name: RouteName }> = Object.entries(routes).map(
  ([name, spec]) => ({ name: name as RouteName, ...spec }),
);

/** The Lambda authorizer that runs before every route (in AWS and in the local server). */
export const authorizerFunction = { handler: 'authorizer', table: 'read' } as const;

/** Path parameter names of a route path, in order. */
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
