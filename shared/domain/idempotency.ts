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
import type { TransactItem } from '../db/operations.ts';
import type { Ref } from '../db/refs.ts';
import {
  idempotencyRef,
  putAnswerRecord,
  putProblemRecord,
  readIdempotencyRecord,
  type IdempotencyId,
  type IdempotencyRecord,
} from '../db/repositories/idempotency.ts';
import { nowIso } from '../db/timestamps.ts';
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

const idOf = (orgId: string, request: IdempotencyRequest): IdempotencyId => ({ orgId, scope: request.scope, keyHash: createHash('sha256').update(request.key).digest('hex') });
const epoch = (now: Date) => Math.floor(now.getTime() / 1000);

/**
 * The first answer for this key, if there is a live one: its body, or its problem thrown again.
 * A key used with another body is a 422.
 */
export async function recall<T>(orgId: string, request: IdempotencyRequest | undefined, now: Date = new Date()): Promise<T | undefined> {
  if (!request) return undefined;
  return recallFrom<T>(await readIdempotencyRecord(idOf(orgId, request)), request, now);
}

/** The ref of a request's record, to read it together with what the request reads anyway. */
export const idempotencyRecordRef = (orgId: string, request: IdempotencyRequest): Ref<IdempotencyRecord> => idempotencyRef(idOf(orgId, request));

/** Pure: what a record read earlier says — the first answer to replay, the first problem to repeat, or nothing. */
export function recallFrom<T>(record: IdempotencyRecord | undefined, request: IdempotencyRequest, now: Date = new Date()): T | undefined {
  if (!record || record.expires_at <= epoch(now)) return undefined;
  if (record.fingerprint !== request.fingerprint) {
    throw new ApiError('idempotency-key-reused', 'This Idempotency-Key was already used with a different request body; use a new key for a new request.');
  }
  if (record.problem) {
    const p = record.problem;
    throw new ApiError(p.type as ApiError['type'], p.detail, p.extensions as ApiError['extensions']);
  }
  return record.body as T;
}

/**
 * The transaction item that records a successful answer. Name it `idempotency` in the transaction:
 * its failed condition means another request with the key recorded its answer first (lost the race).
 */
export function rememberAnswer(orgId: string, request: IdempotencyRequest, body: unknown, now: Date = new Date()): TransactItem {
  return putAnswerRecord(idOf(orgId, request), { fingerprint: request.fingerprint, body, created_at: nowIso(now), expires_at: epoch(now) + IDEMPOTENCY_TTL_SECONDS }, epoch(now));
}

/** Records a domain problem (409/422) as the key's answer, unless another answer got there first. */
export async function rememberProblem(orgId: string, request: IdempotencyRequest | undefined, problem: ApiError, now: Date = new Date()): Promise<void> {
  if (!request) return;
  await putProblemRecord(
    idOf(orgId, request),
    {
      fingerprint: request.fingerprint,
      problem: { type: problem.type, detail: problem.detail, extensions: problem.extensions },
      created_at: nowIso(now),
      expires_at: epoch(now) + IDEMPOTENCY_TTL_SECONDS,
    },
    epoch(now),
  );
}
