/**
 * What every route's function shares, token or not: the event and result types, the body-size
 * limit, request parsing, problem+json errors and the access log. No DynamoDB here, so the public
 * routes (the API description) load without a table.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createHash, timingSafeEqual } from 'node:crypto';
import type * as z from 'zod/mini';
import { ApiError, payloadTooLarge, type FieldError } from '../errors.ts';
import type { RouteSpec } from '../routes/spec.ts';
import { logger } from '../observability/logger.ts';
import { problemResult, toApiError } from './problem.ts';

export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

export const ok = (body: unknown, headers?: Record<string, string>): Reply => ({ status: 200, body, headers });
export const created = (body: unknown, location?: string): Reply => ({
  status: 201,
  body,
  headers: location ? { location } : undefined,
});

export const noContent = (): Reply => ({ status: 204 });

/**
 * The largest request body, on every route: far above any real request (a booking is under 1 KiB),
 * so parsing and validating stay cheap. The local gateway stops reading at the same size.
 */
export const MAX_BODY_BYTES = 64 * 1024;

/** 413 for a body over MAX_BODY_BYTES, checked first on every route so AWS and the local gateway answer alike. */
export function assertBodySize(event: ApiEvent) {
  if (!event.body) return;
  const bytes = event.isBase64Encoded ? Buffer.byteLength(event.body, 'base64') : Buffer.byteLength(event.body, 'utf8');
  if (bytes > MAX_BODY_BYTES) throw payloadTooLarge(MAX_BODY_BYTES);
}

/**
 * Behind the optional CloudFront distribution and its WAF (context `waf=true`, infra/constructs/edge.ts),
 * the stack sets ORIGIN_VERIFY_SECRET on every function, and CloudFront sends that value in the
 * ORIGIN_VERIFY_HEADER of every request it forwards. A request without it came to the API Gateway
 * address directly, around the WAF: refused. Without the variable (every other stage, the local
 * server) there is nothing to check.
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';
export const ORIGIN_VERIFY_ENV = 'ORIGIN_VERIFY_SECRET';
/** The published base URL (the CloudFront address) where it is not the address requests arrive at. */
export const PUBLIC_URL_ENV = 'PUBLIC_BASE_URL';

/** 403 for a request that did not come through CloudFront, checked first on every route when the stage has the WAF. */
export function assertViaEdge(event: ApiEvent) {
  const expected = process.env[ORIGIN_VERIFY_ENV];
  if (!expected) return;
  const given = event.headers?.[ORIGIN_VERIFY_HEADER];
  // Digests of equal length, compared in constant time: neither the value nor its length leaks by timing.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  if (given === undefined || !timingSafeEqual(digest(given), digest(expected))) {
    throw new ApiError('forbidden', 'Call this API at its published address (the stack output ApiUrl), not at its API Gateway address.');
  }
}

export type Parsed<S extends z.ZodMiniType | undefined> = S extends z.ZodMiniType ? z.output<S> : undefined;

export function fieldErrors(where: string, error: z.core.$ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = [where, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: `${base}.${key}`, message: 'is not a known field' }));
    }
    return [{ path: base, message: issue.message }];
  });
}

export function parsePart<S extends z.ZodMiniType | undefined>(where: string, schema: S, value: unknown, errors: FieldError[]) {
  if (!schema) return undefined as Parsed<S>;
  const result = schema.safeParse(value);
  if (result.success) return result.data as Parsed<S>;
  errors.push(...fieldErrors(where, result.error));
  return undefined as Parsed<S>;
}

/** Any error becomes problem+json; only what is safe to show leaves the function. */
export function problemErrors(): middy.MiddlewareObj<ApiEvent, ApiResult, Error, Context> {
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
export function accessLog(route: RouteSpec): middy.MiddlewareObj<ApiEvent, ApiResult, Error, Context> {
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
