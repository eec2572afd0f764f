/** How DynamoDB failures are told apart: "your request was refused" versus "try again shortly". */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/** Cancelled only because another transaction was touching the same items (nothing was written). */
export function isTransactionConflictOnly(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return codes.includes('TransactionConflict') && codes.every((c) => c === 'TransactionConflict' || c === 'None');
}

/** Cancellation reasons that say nothing about the request itself: it may succeed when sent again. */
const TRANSIENT_CANCELLATIONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** Cancelled only by conflicts or throttling, no condition failed (nothing was written). */
function isCancelledOnlyTransiently(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return codes.some((c) => TRANSIENT_CANCELLATIONS.has(c)) && codes.every((c) => c === 'None' || TRANSIENT_CANCELLATIONS.has(c));
}

/** DynamoDB errors that mean "try again shortly", not "your request is wrong". */
const RETRYABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'TransactionInProgressException',
  'ReplicatedWriteConflictException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'LimitExceededException',
  // The SDK's own names for connect, request and socket timeouts.
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Network failures on the way to DynamoDB (refused, reset, unreachable, name lookup, parse of a cut-off reply). */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

type SdkError = Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: unknown; errors?: unknown };

/**
 * Whether an error the SDK gave up on (its own retries exhausted) means "try again shortly": a
 * retryable name, an error the SDK itself marks retryable, a 5xx or 429 from the service, a network
 * failure (also inside the AggregateError of a dual-stack connect), or a transaction cancelled only by
 * concurrent ones or by throttling. The API answers all of these 503 with Retry-After, never 500.
 */
export function isRetryableDbError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as SdkError;
  if (RETRYABLE_NAMES.has(e.name) || isCancelledOnlyTransiently(error)) return true;
  if (e.$retryable !== undefined) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || e.code.startsWith('HPE_'))) return true;
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every(isRetryableDbError);
}
