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
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { ApiError, invalidRequest, payloadTooLarge, type FieldError } from '../errors.ts';
import { acceptedScopes, type RouteSpec } from '../routes.ts';
import { logger } from '../observability/logger.ts';
import { requirePrincipal, type AuthorizerContext, type Principal } from './auth.ts';
import { problemResult, toApiError } from './problem.ts';
import { API_SECURITY_HEADERS, PAGE_SECURITY_HEADERS } from './security-headers.ts';

export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

export const ok = (body: unknown, headers?: Record<string, string>): Reply => ({ status: 200, body, headers });
export const created = (body: unknown, location?: string): Reply => ({
  status: 201,
  body,
  headers: location ? { location } : undefined,
});

export const noContent = (): Reply => ({ status: 204 });

type Schemas = { params?: z.ZodType; query?: z.ZodType; headers?: z.ZodType; body?: z.ZodType };
type Parsed<S extends z.ZodType | undefined> = S extends z.ZodType ? z.output<S> : undefined;

export type ApiRequest<S extends Schemas> = {
  params: Parsed<S['params']>;
  query: Parsed<S['query']>;
  body: Parsed<S['body']>;
  headers: Parsed<S['headers']>;
  principal: Principal;
  requestId: string;
};

/**
 * The largest request body, on every route: far above any real request (a booking is under 1 KiB),
 * so parsing and validating stay cheap. The local gateway stops reading at the same size.
 */
export const MAX_BODY_BYTES = 64 * 1024;

/** 413 for a body over MAX_BODY_BYTES, checked first on every route so AWS and the local gateway answer alike. */
function assertBodySize(event: ApiEvent) {
  if (!event.body) return;
  const bytes = event.isBase64Encoded ? Buffer.byteLength(event.body, 'base64') : Buffer.byteLength(event.body, 'utf8');
  if (bytes > MAX_BODY_BYTES) throw payloadTooLarge(MAX_BODY_BYTES);
}

function fieldErrors(where: string, error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = [where, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: `${base}.${key}`, message: 'is not a known field' }));
    }
    return [{ path: base, message: issue.message }];
  });
}

function parsePart<S extends z.ZodType | undefined>(where: string, schema: S, value: unknown, errors: FieldError[]) {
  if (!schema) return undefined as Parsed<S>;
  const result = schema.safeParse(value);
  if (result.success) return result.data as Parsed<S>;
  errors.push(...fieldErrors(where, result.error));
  return undefined as Parsed<S>;
}

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
    .use(accessLog(route))
    .use(problemErrors())
    .handler(async (event, context) => {
      assertBodySize(event);
      const principal = requirePrincipal(
        event.requestContext?.authorizer?.lambda as Record<string, unknown> | undefined,
        event.pathParameters?.org_id,
        scope,
      );
      const errors: FieldError[] = [];
      const params = parsePart<S['params']>('path', schemas.params, event.pathParameters ?? {}, errors);
      const query = parsePart<S['query']>('query', schemas.query, event.queryStringParameters ?? {}, errors);
      const headers = parsePart<S['headers']>('header', schemas.headers, event.headers ?? {}, errors);
      const body = schemas.body ? parsePart<S['body']>('body', schemas.body, readJsonBody(event), errors) : (undefined as Parsed<S['body']>);
      if (errors.length > 0) throw invalidRequest(errors);
      const reply = await action({ params, query, headers, body, principal, requestId: context.awsRequestId });
      return toResult(reply);
    });
}

/**
 * A route without a token (the API description): the same error handling and access log, and its
 * path parameters validated; the action shapes the whole result (HTML, scripts, JSON).
 */
export function publicHandler<R extends RouteSpec>(
  route: R,
  action: (request: { params: Parsed<R['request']['params']>; event: ApiEvent }) => Promise<ApiResult>,
) {
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(accessLog(route))
    .use(problemErrors())
    .handler(async (event) => {
      assertBodySize(event);
      const errors: FieldError[] = [];
      const params = parsePart<R['request']['params']>('path', route.request.params, event.pathParameters ?? {}, errors);
      if (errors.length > 0) throw new ApiError('not-found', 'No such document.');
      const result = await action({ params, event });
      const html = String(result.headers?.['content-type'] ?? '').startsWith('text/html');
      return { ...result, headers: { ...(html ? PAGE_SECURITY_HEADERS : API_SECURITY_HEADERS), ...result.headers } };
    });
}

/** Any error becomes problem+json; only what is safe to show leaves the function. */
function problemErrors(): middy.MiddlewareObj<ApiEvent, ApiResult, Error, Context> {
  return {
    onError: async (request) => {
      const error = toApiError(request.error);
      if (error.status >= 500) {
        // Name and AWS request id only: messages of unexpected errors may quote data.
        const cause = request.error as (Error & { $metadata?: { requestId?: string } }) | null;
        logger.error('request failed', {
          error: cause?.name ?? 'unknown',
          aws_request_id: cause?.$metadata?.requestId,
          request_id: request.context.awsRequestId,
        });
      }
      request.response = problemResult(error, request.context.awsRequestId);
    },
  };
}

/** One line per request: route name, status, duration. Never the path values or query string. */
function accessLog(route: RouteSpec): middy.MiddlewareObj<ApiEvent, ApiResult, Error, Context> {
  let started = 0;
  const done = (request: middy.Request<ApiEvent, ApiResult, Error, Context>) => {
    logger.info('request', {
      route: `${route.method} ${route.path}`,
      status: request.response?.statusCode,
      duration_ms: Date.now() - started,
      request_id: request.context.awsRequestId,
    });
  };
  return {
    before: async () => {
      started = Date.now();
    },
    after: async (request) => done(request),
    onError: async (request) => {
      if (request.response) done(request);
    },
  };
}
