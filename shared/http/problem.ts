/** RFC 9457 problem details: the one shape of every error response. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError, problemTypeUri } from '../errors.ts';
import { isRetryableDbError } from '../db/errors.ts';
import { API_SECURITY_HEADERS } from './security-headers.ts';

/** Any thrown value as the problem to answer: throttling, timeouts, 5xx and network failures of DynamoDB are 503s. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isRetryableDbError(error)) {
    return new ApiError('unavailable', 'The database is busy or unreachable; retry the request shortly.');
  }
  return new ApiError('internal', 'An unexpected error occurred. It has been logged.');
}

export function problemBody(error: ApiError, requestId?: string) {
  return {
    type: problemTypeUri(error.type),
    title: error.title,
    status: error.status,
    detail: error.detail,
    ...(requestId ? { instance: `urn:request:${requestId}` } : {}),
    ...error.extensions,
  };
}

export function problemResult(error: ApiError, requestId?: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: error.status,
    headers: {
      ...API_SECURITY_HEADERS,
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      ...(error.status === 503 ? { 'retry-after': '1' } : {}),
    },
    body: JSON.stringify(problemBody(error, requestId)),
  };
}

/** A token that could not be looked up is a 503 (retry) or a 500 — never a 401: it may be perfectly good. */
export function tokenLookupProblem(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return isRetryableDbError(error)
    ? new ApiError('unavailable', 'The token could not be checked: the database is busy or unreachable; retry the request shortly.')
    : new ApiError('internal', 'The token could not be checked because of an unexpected error. It has been logged.');
}
