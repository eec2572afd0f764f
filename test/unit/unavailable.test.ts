/**
 * Which failures are "try again shortly" (503 with Retry-After) and which are not, as the SDK shapes
 * them; and the route's answer to an authorizer that could not look the token up.
 */
import { describe, expect, it } from 'vitest';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { isRetryableDbError } from '#shared/db/errors.ts';
import { problemResult, tokenLookupProblem, toApiError } from '#shared/http/problem.ts';
import { ApiError } from '#shared/errors.ts';

const sdkError = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${name} (test)`), { name, ...extra });
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled (test)', $metadata: { httpStatusCode: 400 }, CancellationReasons: codes.map((Code) => ({ Code })) });
const network = (code: string) => Object.assign(new Error(`connect ${code} (test)`), { code, $metadata: { attempts: 3 } });

describe('isRetryableDbError', () => {
  it.each([
    ['throttling', sdkError('ThrottlingException', { $metadata: { httpStatusCode: 400 } })],
    ['provisioned throughput', sdkError('ProvisionedThroughputExceededException', { $metadata: { httpStatusCode: 400 } })],
    ['request limit', sdkError('RequestLimitExceeded', { $metadata: { httpStatusCode: 400 } })],
    ['a 500', sdkError('InternalServerError', { $metadata: { httpStatusCode: 500 } })],
    ['a 503 whose body is not JSON', sdkError('SyntaxError', { $metadata: { httpStatusCode: 503 } })],
    ['a connect timeout', sdkError('TimeoutError')],
    ['a request timeout', sdkError('TimeoutError', { code: 'ETIMEDOUT' })],
    ['a refused connection', network('ECONNREFUSED')],
    ['a reset connection', network('ECONNRESET')],
    ['a failed name lookup', network('ENOTFOUND')],
    ['a reply cut off mid-headers', network('HPE_INVALID_CONSTANT')],
    ['every address of a dual-stack connect refused', Object.assign(new AggregateError([network('ECONNREFUSED'), network('ECONNREFUSED')], 'connect failed'), {})],
    ['a transaction cancelled by a concurrent one', cancelled('TransactionConflict', 'None')],
    ['a transaction cancelled by throttling', cancelled('None', 'ThrottlingError')],
  ])('%s: yes', (_what, error) => {
    expect(isRetryableDbError(error)).toBe(true);
    expect(toApiError(error).status).toBe(503);
  });

  it.each([
    ['a failed condition', new ConditionalCheckFailedException({ message: 'The conditional request failed (test)', $metadata: { httpStatusCode: 400 } })],
    ['a transaction cancelled by a condition (and throttling)', cancelled('ConditionalCheckFailed', 'ThrottlingError')],
    ['an invalid request', sdkError('ValidationException', { $metadata: { httpStatusCode: 400 } })],
    ['a missing table', sdkError('ResourceNotFoundException', { $metadata: { httpStatusCode: 400 } })],
    ['a bug', new TypeError('x is undefined')],
    ['not an error at all', 'oops'],
  ])('%s: no', (_what, error) => {
    expect(isRetryableDbError(error)).toBe(false);
    expect(toApiError(error).status).toBe(500);
  });
});

describe('a token that could not be checked', () => {
  it('is 503 with Retry-After when DynamoDB was unavailable, not 401', () => {
    const result = problemResult(tokenLookupProblem(sdkError('ThrottlingException', { $retryable: { throttling: true } })), 'r1');
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('1');
    expect(result.headers?.['content-type']).toBe('application/problem+json');
  });

  it('is 500 when the lookup failed otherwise, and a 401 stays a 401', () => {
    expect(tokenLookupProblem(sdkError('ResourceNotFoundException')).status).toBe(500);
    expect(tokenLookupProblem(new ApiError('unauthenticated', 'no')).status).toBe(401);
  });
});
