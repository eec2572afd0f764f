/** Small helpers over the document client that every repository needs. */
import { randomUUID } from 'node:crypto';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type QueryCommandInput, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { isTransactionConflictOnly } from './errors.ts';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { db, tableName } from './client.ts';

export type Key = { pk: string; sk: string };
export type Item = Record<string, unknown>;
/** One item of a TransactWriteItems (a Put, Update, ConditionCheck or Delete). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const keyId = (key: Key) => `${key.pk}\u0000${key.sk}`;

/**
 * Reads items by key with strongly consistent BatchGetItem calls (100 keys each, sent together),
 * retrying keys DynamoDB left unprocessed. Consistent, because what a write decides on is checked
 * again inside its transaction: a stale read would only make it fail and retry. Returns a lookup by
 * key; missing items are simply absent.
 */
export async function getMany(keys: readonly Key[]): Promise<(key: Key) => Item | undefined> {
  const unique = [...new Map(keys.map((k) => [keyId(k), k])).values()];
  const found = new Map<string, Item>();
  const chunks: Key[][] = [];
  for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
  await Promise.all(chunks.map((chunk) => getChunk(chunk, found)));
  return (key: Key) => found.get(keyId(key));
}

async function getChunk(keys: Key[], found: Map<string, Item>): Promise<void> {
  let pending = keys;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
    if (attempt > 8) throw Object.assign(new Error('BatchGetItem kept leaving keys unprocessed'), { name: 'ThrottlingException' });
    const out = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
    for (const item of out.Responses?.[tableName] ?? []) found.set(keyId(item as Key), item);
    pending = (out.UnprocessedKeys?.[tableName]?.Keys as Key[] | undefined) ?? [];
  }
}

/** Every item a query matches, following pagination, up to `limit` items. */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName'>, limit = Infinity): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey }));
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey && items.length < limit);
  return items;
}

/** One page of a query (up to `limit` items read) and where the next page starts (undefined: none left). */
export async function queryPage(
  input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
  limit: number,
  start: Record<string, unknown> | undefined,
): Promise<{ items: Item[]; next: Record<string, unknown> | undefined }> {
  const out = await db.send(new QueryCommand({ ...input, TableName: tableName, Limit: limit, ExclusiveStartKey: start }));
  return { items: out.Items ?? [], next: out.LastEvaluatedKey };
}

/**
 * The item a failed condition saw (ReturnValuesOnConditionCheckFailure: ALL_OLD), whichever form the
 * SDK hands it back in: cancellation reasons are not unmarshalled by the document client.
 */
export function conditionFailureItem(item: unknown): Item | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const values = Object.values(item as Record<string, unknown>);
  const looksMarshalled = values.length > 0 && values.every((v) => v !== null && typeof v === 'object' && Object.keys(v).length === 1);
  return looksMarshalled ? unmarshall(item as Record<string, AttributeValue>) : (item as Item);
}

/** One item by key (strongly consistent unless told otherwise), or undefined. */
export async function getOne(key: Key, options: { consistent?: boolean; projection?: string } = {}): Promise<Item | undefined> {
  const out = await db.send(
    new GetCommand({
      TableName: tableName,
      Key: key,
      ...(options.consistent === false ? {} : { ConsistentRead: true }),
      ...(options.projection ? { ProjectionExpression: options.projection } : {}),
    }),
  );
  return out.Item;
}

/** Every item of one partition whose sort key begins with a prefix (one Query, following pagination). */
export async function queryPrefix({ pk, skPrefix }: { pk: string; skPrefix: string }, options: { consistent?: boolean } = {}): Promise<Item[]> {
  return queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
    ...(options.consistent ? { ConsistentRead: true } : {}),
  });
}

/**
 * Puts an item on a condition, and says whether it wrote (false: the condition failed). Creating
 * with a caller's uuid twice (the demo loader on every start) therefore never duplicates anything.
 */
export async function putIf(item: Item & Key, condition: { ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> }): Promise<boolean> {
  try {
    await db.send(new PutCommand({ TableName: tableName, Item: item, ...condition }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * One UpdateItem on a condition, returning the item as it now is; undefined when the condition
 * failed (the item is gone, or changed in a way the condition refuses).
 */
export async function updateIf(
  key: Key,
  update: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> },
): Promise<Item | undefined> {
  try {
    const out = await db.send(new UpdateCommand({ TableName: tableName, Key: key, ...update, ReturnValues: 'ALL_NEW' }));
    return out.Attributes as Item;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
    throw error;
  }
}

export { nowIso } from './timestamps.ts';

/**
 * Errors after which DynamoDB certainly did not apply a transaction: it refused it (cancelled,
 * invalid) or throttled it before doing anything. Anything else — a timeout, a reset connection, a
 * 5xx — leaves the outcome unknown: the request may have committed and only its reply been lost.
 */
const DEFINITE = new Set([
  'TransactionCanceledException',
  'ValidationException',
  'IdempotentParameterMismatchException',
  'ResourceNotFoundException',
  'AccessDeniedException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'UnrecognizedClientException',
]);

/** Did the failed request perhaps commit? (Unknown errors count as perhaps.) */
export function outcomeUnknown(error: unknown): boolean {
  return !DEFINITE.has((error as Error | undefined)?.name ?? '');
}

export type TransactOptions = {
  /**
   * An item this transaction alone creates (the new appointment, the request's audit entry). When
   * every attempt ended without a definite answer, a consistent read of it settles whether the
   * transaction committed, so the caller never answers 5xx for a write that happened.
   */
  witness?: Key;
  attempts?: number;
};

/**
 * One TransactWriteItems, all or nothing, whose outcome the caller can trust:
 * - returns: it committed (possibly on an earlier attempt whose reply was lost);
 * - throws TransactionCanceledException: nothing was written (a condition failed);
 * - throws anything else: nothing was written as far as DynamoDB can tell (see `witness`).
 *
 * The SDK's own retries of a timeout or 5xx re-send the same serialized request, with the same
 * ClientRequestToken, so DynamoDB applies the transaction at most once and answers a replay of a
 * committed one with success. When they are exhausted the outcome is unknown, and the witness is
 * read instead of sending more (more attempts would also drain the SDK's retry quota, which every
 * request of a warm function shares). An attempt cancelled only by a concurrent transaction wrote
 * nothing and is tried again after a short jittered pause, with a new token.
 */
export async function transactWrite(items: TransactWriteCommandInput['TransactItems'], options: TransactOptions = {}): Promise<void> {
  const attempts = options.attempts ?? 4;
  let token = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: token }));
      return;
    } catch (error) {
      if (isTransactionConflictOnly(error) && attempt < attempts) {
        token = randomUUID();
      } else if ((error as Error).name === 'TransactionInProgressException' && attempt < attempts) {
        // An earlier attempt with this token is still running: once it ends, a replay answers its outcome.
        await new Promise((r) => setTimeout(r, 250 * attempt));
      } else {
        // After an earlier attempt failed, its reply may have been lost after it committed (a later
        // attempt with a new token then fails on the earlier one's own writes): the witness tells.
        // The SDK's own retries count too: a timed-out attempt that was still running when its
        // replay arrived can leave the replay cancelled by the original's own writes.
        const retried = attempt > 1 || ((error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) > 1;
        if ((retried || outcomeUnknown(error)) && options.witness && (await committed(options.witness))) return;
        throw error;
      }
      await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
    }
  }
}

/** Whether the witness item exists (a consistent read); false when even that cannot be read. */
async function committed(witness: Key): Promise<boolean> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const out = await db.send(new GetCommand({ TableName: tableName, Key: witness, ConsistentRead: true, ProjectionExpression: 'pk' }));
      return out.Item !== undefined;
    } catch {
      // Unreadable: try once more, then say no (the caller answers 503).
    }
  }
  return false;
}

/** The key of a Put item of a transaction (to name it as a witness). */
export function keyOfPut(put: { Put?: { Item?: Record<string, unknown> } }): Key {
  const item = put.Put?.Item;
  if (!item || typeof item.pk !== 'string' || typeof item.sk !== 'string') throw new Error('not a Put of a keyed item');
  return { pk: item.pk, sk: item.sk };
}

/** What a cancelled transaction says, by the names of its items. */
export type Cancellation<N extends string> = {
  /** The names whose condition failed. */
  failed: ReadonlySet<N>;
  /** Each failed condition, with the item it saw when the transaction item asked for it (ALL_OLD). */
  failures: readonly { name: N; item: Item | undefined }[];
};

/**
 * Names the items of a transaction, so a cancellation is read by name, never by position:
 * `commit` runs it (transactWrite); `cancellation(error)` says which named items' conditions failed,
 * or undefined when the error is not a cancellation (rethrow it).
 */
export function namedTransaction<N extends string>(entries: readonly (readonly [N, TransactItem])[]) {
  const names = entries.map(([name]) => name);
  const failuresOf = (error: TransactionCanceledException) =>
    (error.CancellationReasons ?? []).flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' && names[i] ? [{ name: names[i]!, item: conditionFailureItem(r.Item) }] : []));
  return {
    items: entries.map(([, item]) => item),
    commit(options: TransactOptions = {}): Promise<void> {
      return transactWrite(entries.map(([, item]) => item), options);
    },
    cancellation(error: unknown): Cancellation<N> | undefined {
      if (!(error instanceof TransactionCanceledException)) return undefined;
      const failures = failuresOf(error);
      return { failed: new Set(failures.map((f) => f.name)), failures };
    },
  };
}
