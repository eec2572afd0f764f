/**
 * The middy stack every route shares. A route's function is one call:
 *
 *   export const handler = apiHandler(routes.getPatient,
 *     async ({ params, principal }) => ok(await getPatient(principal.orgId, params.patient_uuid)));
 *
 * i.e. parse (with the route table's zod schemas, the ones the OpenAPI document shows) -> one domain
 * call -> shape the response. Authentication, body parsing, validation, problem+json errors and the
 * access log happen here, once.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { ApiError, invalidRequest, type FieldError } from '../errors.ts';
import { acceptedScopes, type RouteSpec } from '../routes/spec.ts';
import { logger } from '../observability/logger.ts';
import { requestMetrics } from '../observability/metrics.ts';
import type { Principal } from './auth.ts';
import { authorize, TOKEN_ORG, type Identity } from '../domain/auth.ts';
import { bearerVerification } from '../domain/tokens.ts';
import type { Actor } from '../domain/audit.ts';
import { withRequestGate } from '../db/request-gate.ts';
import { API_SECURITY_HEADERS } from './security-headers.ts';
import { tokenLookupProblem } from './problem.ts';
import { accessLog, assertBodySize, assertViaEdge, parsePart, problemErrors, type ApiEvent, type ApiResult, type Parsed, type Reply } from './middleware.ts';

export { MAX_BODY_BYTES, created, noContent, ok, type ApiEvent, type ApiResult, type Reply } from './middleware.ts';
export { publicHandler } from './public-handler.ts';

type Schemas = { params?: z.ZodMiniType; query?: z.ZodMiniType; headers?: z.ZodMiniType; body?: z.ZodMiniType };

export type ApiRequest<S extends Schemas> = {
  params: Parsed<S['params']>;
  query: Parsed<S['query']>;
  body: Parsed<S['body']>;
  headers: Parsed<S['headers']>;
  /** The organisation is the path's; the token's id and scopes are filled in once it is verified. */
  principal: Principal;
  /** Who writes: the token (readable once verified — after the route's first read) and the request. */
  actor: Actor;
  requestId: string;
};

function readJsonBody(event: ApiEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') {
    throw invalidRequest([{ path: 'body', message: 'a JSON body is required' }], 'The request has no body.');
  }
  const contentType = event.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new ApiError('unsupported-media-type', 'Send the body as `Content-Type: application/json`.');
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('malformed-json', 'The body could not be parsed as JSON.');
  }
}

function toResult(reply: Reply): ApiResult {
  return {
    statusCode: reply.status,
    headers: {
      ...API_SECURITY_HEADERS,
      ...(reply.body === undefined ? {} : { 'content-type': 'application/json' }),
      // Responses carry patient data: no shared cache may keep them.
      'cache-control': 'no-store',
      ...reply.headers,
    },
    body: reply.body === undefined ? '' : JSON.stringify(reply.body),
  };
}

export function apiHandler<R extends RouteSpec>(route: R, action: (request: ApiRequest<R['request']>) => Promise<Reply>) {
  type S = R['request'];
  const schemas: S = route.request;
  if (route.scope === 'public') throw new Error(`${route.path} is public: use publicHandler`);
  const scope = acceptedScopes(route);
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    // Outside the problem+json middleware, so it counts the final status (observability/metrics.ts).
    .use(requestMetrics(route))
    .use(accessLog(route))
    .use(problemErrors())
    .handler(async (event, context) => {
      assertViaEdge(event);
      assertBodySize(event);
      // A route about the caller (whoami) names no organisation: the token's own is the route's.
      const orgFromToken = route.org === 'token';
      const pathOrgId = orgFromToken ? TOKEN_ORG : event.pathParameters?.org_id;
      // The token is read with the route's first read (request-gate.ts): inside its batch read when
      // that can carry it, else beside it. Nothing read is seen and nothing is written until it is verified.
      let identity: Identity | undefined;
      const { token, identity: found } = bearerVerification(event.headers?.authorization);
      const verified = found.then(
        (tokenIdentity) => {
          identity = authorize(tokenIdentity, pathOrgId, scope);
        },
        (error: unknown) => {
          throw tokenLookupProblem(error);
        },
      );
      verified.catch(() => {});
      const unverified = () => {
        throw new Error('the token is not verified yet');
      };
      const pathOrg = typeof pathOrgId === 'string' ? pathOrgId.toLowerCase() : '';
      const principal: Principal = {
        get orgId() {
          return orgFromToken ? (identity?.orgId ?? unverified()) : pathOrg;
        },
        get tokenId() {
          return identity?.tokenId ?? unverified();
        },
        get scopes() {
          return identity?.scopes ?? unverified();
        },
        get tokenLabel() {
          return identity?.label ?? unverified();
        },
        get tokenExpiresAt() {
          if (!identity) return unverified();
          return identity.expiresAt;
        },
      };
      const actor: Actor = {
        get tokenId() {
          return identity?.tokenId ?? unverified();
        },
        get tokenLabel() {
          return identity?.label ?? unverified();
        },
        requestId: context.awsRequestId,
      };
      const errors: FieldError[] = [];
      const params = parsePart<S['params']>('path', schemas.params, event.pathParameters ?? {}, errors);
      const query = parsePart<S['query']>('query', schemas.query, event.queryStringParameters ?? {}, errors);
      const headers = parsePart<S['headers']>('header', schemas.headers, event.headers ?? {}, errors);
      let refused: ApiError | undefined;
      let body = undefined as Parsed<S['body']>;
      try {
        if (schemas.body) body = parsePart<S['body']>('body', schemas.body, readJsonBody(event), errors);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        refused = error;
      }
      if (refused || errors.length > 0) {
        // A stranger learns nothing about the route's input rules: 401/403 come first.
        token?.start();
        await verified;
        throw refused ?? invalidRequest(errors);
      }
      const [auth, outcome] = await Promise.allSettled([
        verified,
        // Work that made no call (or failed before one) still needs the verdict: the token is then read alone.
        withRequestGate({ verified, token }, () => action({ params, query, headers, body, principal, actor, requestId: context.awsRequestId })).finally(() => token?.start()),
      ]);
      if (auth.status === 'rejected') throw auth.reason;
      if (outcome.status === 'rejected') throw outcome.reason;
      return toResult(outcome.value);
    });
}


