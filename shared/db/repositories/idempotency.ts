/**
 * Idempotency records (`ORG#o#IDEMPOTENCY#<scope>#<key hash>`): the first answer — or problem — of
 * a create request with an Idempotency-Key, for 24 hours (TTL, and checked on reading).
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { getOne, putIf, type Item, type TransactItem } from '../operations.ts';
import { ref, type Ref } from '../refs.ts';
import { TTL_ATTRIBUTE } from '../table-definition.ts';

export type StoredProblem = { type: string; detail: string; extensions: unknown };

export type IdempotencyRecord = {
  fingerprint: string;
  /** The first answer's body, when it succeeded. */
  body?: unknown;
  /** The first answer's problem, when it failed for a domain reason. */
  problem?: StoredProblem;
  created_at: string;
  /** Epoch seconds (the TTL attribute). */
  expires_at: number;
};

export type IdempotencyId = { orgId: string; scope: string; keyHash: string };

export function toIdempotencyRecord(item: Item): IdempotencyRecord {
  return {
    fingerprint: item.fingerprint as string,
    ...(item.body !== undefined ? { body: item.body } : {}),
    ...(item.problem ? { problem: item.problem as StoredProblem } : {}),
    created_at: item.created_at as string,
    expires_at: item[TTL_ATTRIBUTE] as number,
  };
}

const keyOf = (id: IdempotencyId) => keys.idempotency(id.orgId, id.scope, id.keyHash);

export const idempotencyRef = (id: IdempotencyId): Ref<IdempotencyRecord> => ref(keyOf(id), toIdempotencyRecord);

export async function readIdempotencyRecord(id: IdempotencyId): Promise<IdempotencyRecord | undefined> {
  const item = await getOne(keyOf(id));
  return item && toIdempotencyRecord(item);
}

function recordItem(id: IdempotencyId, record: IdempotencyRecord): Item & { pk: string; sk: string } {
  const { expires_at, ...rest } = record;
  return { ...keyOf(id), entity: 'idempotency', ...rest, [TTL_ATTRIBUTE]: expires_at };
}

/** Written only where no live record is: none, or one expired at `nowEpoch`. */
const noLiveRecord = (nowEpoch: number) => ({ ConditionExpression: `attribute_not_exists(pk) OR ${TTL_ATTRIBUTE} <= :now`, ExpressionAttributeValues: { ':now': nowEpoch } });

/** The Put of a successful answer's record, in the transaction of what the request creates. */
export function putAnswerRecord(id: IdempotencyId, record: IdempotencyRecord, nowEpoch: number): TransactItem {
  return { Put: { TableName: tableName, Item: recordItem(id, record), ...noLiveRecord(nowEpoch) } };
}

/** Writes a problem's record unless a live record exists; says whether it wrote. */
export function putProblemRecord(id: IdempotencyId, record: IdempotencyRecord, nowEpoch: number): Promise<boolean> {
  return putIf(recordItem(id, record), noLiveRecord(nowEpoch));
}
