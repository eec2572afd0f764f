/** RFC 9457 problem details: the one shape of every error response. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError, problemTypeUri } from '../errors.ts';
import { isTransactionConflictOnly } from '../db/errors.ts';
import { API_SECURITY_HEADERS } from './security-headers.ts';

/** DynamoDB errors that mean "try again shortly", not "your request is wrong". */
const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalFailure',
  'ServiceUnavailableException',
  'LimitExceededException',
]);

/** Network failures on the way to DynamoDB: the request may be retried as is. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * Whether an error the SDK gave up on (its own retries exhausted) means "try again shortly": a
 * retryable name, an error the SDK itself marks retryable, a 5xx or 429 from the service, a network
 * failure, or a transaction cancelled only by concurrent ones. Never a 500 for these.
 */
export function isRetryableDbError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: string };
  if (RETRYABLE.has(e.name) || isTransactionConflictOnly(error)) return true;
  if (e.$retryable !== undefined) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  return e.code !== undefined && NETWORK_CODES.has(e.code);
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isRetryableDbError(error)) {
    return new ApiError('unavailable', 'The database is busy; retry the request shortly.');
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
