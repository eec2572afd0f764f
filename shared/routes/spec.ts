/**
 * What a route is: the shape of one entry of the route table, and the helpers a function needs from
 * it. Each route is its own module beside this one (`shared/routes/<handler>.ts`), so a function's
 * bundle holds its own route's spec and schemas and nothing of the others; `shared/routes.ts` is the
 * index that gathers them for the stack, the local server, the OpenAPI document and the tests.
 *
 * Nothing here may import a route module or the index: this file is in every function's bundle.
 */
import type * as z from 'zod/mini';
import type { IndexName } from '../db/table-definition.ts';
import type { Scope } from '../domain/auth.ts';

export type { Scope };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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
  schema?: z.ZodMiniType;
  /** Media types of a body that has no JSON schema (documents, pages, files). */
  contentTypes?: readonly string[];
  /** Response headers worth documenting, name -> description. */
  headers?: Record<string, string>;
};

export type RouteSpec = {
  method: HttpMethod;
  /** API Gateway path syntax: `{name}` for a path parameter. */
  path: string;
  /** Module under `functions/` that exports `handler` (and the route's module under `shared/routes/`). */
  handler: string;
  summary: string;
  description?: string;
  /** Grouping on the docs page. */
  tag: 'Patients' | 'Scheduling' | 'Clinical notes' | 'Practice setup' | 'Events and webhooks' | 'API description';
  /** The token scope the route needs; `public` routes take no token (API description only). */
  scope: Scope | 'public';
  /**
   * The scopes any one of which admits a token: the route's own `scope`, and for a read of what
   * `admin` routes change (settings, locations, operatories, providers, working hours, time off,
   * appointment types) also `admin` — a token that may change a thing may read it. Never `admin` on
   * patients or appointments. `[]` for a public route. Written out here, not derived from the other
   * routes at run time (that would put the whole table in every function); test/unit/routes.test.ts
   * checks it against the rule over the whole table (`acceptedScopesRule` in shared/routes.ts).
   */
  scopes: readonly Scope[];
  table: TableAccess;
  /**
   * Where the organisation comes from: `path` (the default: every tenant route is under
   * `/api/v1/{org_id}` and the token must belong to it), or `token` for a route about the caller
   * itself (whoami), whose path names no organisation: the token's own is the route's.
   */
  org?: 'path' | 'token';
  /** Indexes the function queries; it may query no others. */
  indexes?: readonly IndexName[];
  /** Examples of the body and responses are not here but in shared/contract/openapi.ts (from shared/schemas/examples.ts): only the OpenAPI document needs them. */
  request: { params?: z.ZodMiniType; query?: z.ZodMiniType; headers?: z.ZodMiniType; body?: z.ZodMiniType };
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
  /**
   * A build the deployed function serves, made at synth into a folder beside its bundle: `desk` is
   * the front desk page (infra/desk/build.ts). Under `npm start` the same build is made at start.
   */
  bundleBuild?: 'desk';
  /**
   * The function seals or opens webhook signing secrets: it reads the stage's webhook key (an SSM
   * SecureString in AWS, `WEBHOOK_KEY` locally; shared/webhooks/secret-box.ts), and may read nothing else of SSM.
   */
  webhookKey?: boolean;
};

/** Every tenant route lives under its organisation. */
export const V1 = '/api/v1/{org_id}';

/** The API's own root, for the few routes about the caller rather than an organisation's data (whoami). */
export const API_ROOT = '/api/v1';

/** The scopes any one of which admits a token to a route: its static `scopes` (see RouteSpec). */
export function acceptedScopes(route: Pick<RouteSpec, 'scopes'>): readonly Scope[] {
  return route.scopes;
}

/** Path parameter names of a route path, in order. */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1] as string);
}

/** A concrete path of a route, its `{name}` parameters filled in (for `Location` headers and links). */
export function pathOf(route: Pick<RouteSpec, 'path'>, params: Record<string, string>): string {
  return route.path.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}
