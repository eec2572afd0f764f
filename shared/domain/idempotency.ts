/**
 * Idempotent creates (`Idempotency-Key`). The first request with a key writes a record of its answer
 * *in the same transaction* as what it creates, conditioned on no live record existing. So:
 * - a retry after success finds the record and gets the first answer, creating nothing;
 * - racing retries all try; exactly one transaction can write the record, the others are cancelled
 *   (nothing of theirs is written) and answer with the winner's record;
 * - a first request that failed for a domain reason (409, 422) records that problem, so its retries
 *   get the same answer even if the slot has since become free;
 * - the same key with a different body is a 422; records expire after 24 hours (TTL, and checked).
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { db, tableName } from '../db/client.ts';
import { keys } from '../db/keys.ts';
import { nowIso } from '../db/operations.ts';
import { TTL_ATTRIBUTE } from '../db/table-definition.ts';
import { ApiError } from '../errors.ts';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export type IdempotencyRequest = {
  /** The client's key. */
  key: string;
  /** The route it was sent to: a key is scoped to one route of one organisation. */
  scope: string;
  /** SHA-256 of the request body in canonical form. */
  fingerprint: string;
};

/** JSON with object keys sorted, so two equal bodies have one fingerprint whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function idempotencyRequest(key: string | undefined, scope: string, body: unknown): IdempotencyRequest | undefined {
  if (key === undefined) return undefined;
  return { key, scope, fingerprint: createHash('sha256').update(canonical(body)).digest('hex') };
}

const keyOf = (orgId: string, request: IdempotencyRequest) => keys.idempotency(orgId, request.scope, createHash('sha256').update(request.key).digest('hex'));
const epoch = (now: Date) => Math.floor(now.getTime() / 1000);

/**
 * The first answer for this key, if there is a live one: its body, or its problem thrown again.
 * A key used with another body is a 422.
 */
export async function recall<T>(orgId: string, request: IdempotencyRequest | undefined, now: Date = new Date()): Promise<T | undefined> {
  if (!request) return undefined;
  const out = await db.send(new GetCommand({ TableName: tableName, Key: keyOf(orgId, request), ConsistentRead: true }));
  return recallFrom<T>(out.Item, request, now);
}

/** The key of a request's record, to read it together with what the request reads anyway. */
export const idempotencyKey = (orgId: string, request: IdempotencyRequest) => keyOf(orgId, request);

/** Pure: what a record read earlier says — the first answer to replay, the first problem to repeat, or nothing. */
export function recallFrom<T>(record: Record<string, unknown> | undefined, request: IdempotencyRequest, now: Date = new Date()): T | undefined {
  if (!record || (record[TTL_ATTRIBUTE] as number) <= epoch(now)) return undefined;
  if (record.fingerprint !== request.fingerprint) {
    throw new ApiError('idempotency-key-reused', 'This Idempotency-Key was already used with a different request body; use a new key for a new request.');
  }
  if (record.problem) {
    const p = record.problem as { type: ApiError['type']; detail: string; extensions: ApiError['extensions'] };
    throw new ApiError(p.type, p.detail, p.extensions);
  }
  return record.body as T;
}

/** The transaction item that records a successful answer (first in the transaction: see `lostRace`). */
export function rememberAnswer(orgId: string, request: IdempotencyRequest, body: unknown, now: Date = new Date()) {
  return {
    Put: {
      TableName: tableName,
      Item: { ...keyOf(orgId, request), entity: 'idempotency', fingerprint: request.fingerprint, body, created_at: nowIso(now), [TTL_ATTRIBUTE]: epoch(now) + IDEMPOTENCY_TTL_SECONDS },
      ConditionExpression: `attribute_not_exists(pk) OR ${TTL_ATTRIBUTE} <= :now`,
      ExpressionAttributeValues: { ':now': epoch(now) },
    },
  };
}

/** Did the transaction fail because another request with the key recorded its answer first? */
export function lostRace(error: TransactionCanceledException, recordIndex = 0): boolean {
  return error.CancellationReasons?.[recordIndex]?.Code === 'ConditionalCheckFailed';
}

/** Records a domain problem (409/422) as the key's answer, unless another answer got there first. */
export async function rememberProblem(orgId: string, request: IdempotencyRequest | undefined, problem: ApiError, now: Date = new Date()): Promise<void> {
  if (!request) return;
  try {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keyOf(orgId, request),
          entity: 'idempotency',
          fingerprint: request.fingerprint,
          problem: { type: problem.type, detail: problem.detail, extensions: problem.extensions },
          created_at: nowIso(now),
          [TTL_ATTRIBUTE]: epoch(now) + IDEMPOTENCY_TTL_SECONDS,
        },
        ConditionExpression: `attribute_not_exists(pk) OR ${TTL_ATTRIBUTE} <= :now`,
        ExpressionAttributeValues: { ':now': epoch(now) },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}
