/** How a DynamoDB client is made, locally or in AWS. No environment is read here. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** How long one DynamoDB call may take: per attempt (to connect; to the reply's headers; any stall of its body), and how many attempts. */
export type Timeouts = { connectionMs: number; requestMs: number; maxAttempts: number };

/**
 * In AWS. Every call ends well inside the functions' 10 s Lambda timeout (infra/booking-stack.ts),
 * even when DynamoDB is unreachable or a connection hangs: three attempts (the SDK's standard
 * retries, which the fault tests rely on) of at most 2 s each (1 s of it to connect), with the SDK's
 * jittered back-off in between — under 0.2 s after timeouts and 5xx, under 3 s after throttling. So
 * a call fails within about 6 s (three timed-out attempts, or two fast throttles and one timeout) and
 * the request answers 503 with Retry-After, for the token lookup or the route. DynamoDB answers in
 * milliseconds: 2 s is a dead connection, and a fresh attempt is the cure.
 */
export const AWS_TIMEOUTS: Timeouts = { connectionMs: 1_000, requestMs: 2_000, maxAttempts: 3 };

/**
 * An endpoint of one's own (DynamoDB Local): as bounded, but more patient. DynamoDB Local is one Java
 * process; on a busy two-core machine a transaction takes up to about 3 s, and one that is timed out
 * and sent again while it still runs can fail on its own writes (a wrong 409). A call fails within
 * about 15 s.
 */
export const LOCAL_TIMEOUTS: Timeouts = { connectionMs: 1_000, requestMs: 5_000, maxAttempts: 3 };

export function createClient(endpoint: string | undefined, region: string, timeouts: Timeouts = endpoint ? LOCAL_TIMEOUTS : AWS_TIMEOUTS): DynamoDBClient {
  return new DynamoDBClient({
    region,
    maxAttempts: timeouts.maxAttempts,
    requestHandler: {
      connectionTimeout: timeouts.connectionMs,
      requestTimeout: timeouts.requestMs,
      // Without it the SDK only logs a warning when requestTimeout passes, and the call waits on.
      throwOnRequestTimeout: true,
      // requestTimeout ends at the reply's headers; this bounds a body that stalls after them.
      socketTimeout: timeouts.requestMs,
    },
    ...(endpoint
      ? // DynamoDB Local accepts any credentials; fixed ones keep a developer's real keys out of it.
        { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
}

export function createDocumentClient(endpoint: string | undefined, region: string, timeouts?: Timeouts): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createClient(endpoint, region, timeouts), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
