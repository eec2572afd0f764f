/** Small helpers over the document client that every repository needs. */
import { randomUUID } from 'node:crypto';
import { BatchGetCommand, QueryCommand, TransactWriteCommand, type QueryCommandInput, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { isTransactionConflictOnly } from './errors.ts';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { db, tableName } from './client.ts';

export type Key = { pk: string; sk: string };
export type Item = Record<string, unknown>;

const keyId = (key: Key) => `${key.pk}\u0000${key.sk}`;

/**
 * Reads up to 100 items in one round trip (BatchGetItem), retrying keys DynamoDB left unprocessed.
 * Returns a lookup by key; missing items are simply absent.
 */
export async function getMany(keys: readonly Key[]): Promise<(key: Key) => Item | undefined> {
  const unique = [...new Map(keys.map((k) => [keyId(k), k])).values()];
  const found = new Map<string, Item>();
  let pending: Key[] = unique;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
    if (attempt > 8) throw Object.assign(new Error('BatchGetItem kept leaving keys unprocessed'), { name: 'ThrottlingException' });
    const batch = pending.slice(0, 100);
    const rest = pending.slice(100);
    const out = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: batch } } }));
    for (const item of out.Responses?.[tableName] ?? []) found.set(keyId(item as Key), item);
    pending = [...((out.UnprocessedKeys?.[tableName]?.Keys as Key[] | undefined) ?? []), ...rest];
  }
  return (key: Key) => found.get(keyId(key));
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

/** `2025-05-10T14:32:00Z`: UTC, whole seconds, as the guide prints `created_at`. */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * One TransactWriteItems, all or nothing. The SDK's automatic retries of an attempt (throttling,
 * timeouts, 5xx) re-send the same serialized request, so they carry the same ClientRequestToken and
 * are idempotent: a transaction that did commit before its answer was lost is not applied twice
 * (DynamoDB answers the replay with success). An attempt cancelled only by a concurrent transaction
 * wrote nothing and is tried again after a short jittered pause — with a new token, unless an
 * earlier SDK attempt of it may have committed (more than one attempt: a timeout or 5xx came first),
 * in which case the token is kept so a late commit is still recognised. Anything else (a failed
 * condition, retries exhausted) goes to the caller at once.
 */
export async function transactWrite(items: TransactWriteCommandInput['TransactItems'], attempts = 4): Promise<void> {
  let token = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: token }));
      return;
    } catch (error) {
      if (attempt >= attempts || !isTransactionConflictOnly(error)) throw error;
      if (!mayHaveCommitted(error)) token = randomUUID();
      await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
    }
  }
}

/** The SDK made more than one attempt, so an earlier one may have failed ambiguously (after writing). */
function mayHaveCommitted(error: unknown): boolean {
  const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
  return attempts !== undefined && attempts > 1;
}
