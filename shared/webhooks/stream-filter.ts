/**
 * Which records of the table's stream the webhook dispatcher is invoked for, said once:
 * - an event item (`entity: 'event'`) inserted — every change's outbox entry, and `…/test`;
 * - a delivery item (`entity: 'delivery'`) inserted or modified into `state: 'requested'` — the
 *   `…/deliveries/{id}/retry` route.
 * Every other write (appointments, slots, audit entries, the dispatcher's own deliveries and
 * attempts) invokes nothing: in AWS the Lambda event source filters them out before an invocation
 * (so they cost nothing), under `npm start` the local stream reader skips them.
 *
 * The patterns below are Lambda event filter patterns (the stack passes them as FilterCriteria, one
 * filter each: a record matching any is delivered); `isDispatchRecord` evaluates the same patterns on a
 * record, so the two cannot disagree. Only the pattern form Lambda's filters use here is supported:
 * nested objects ending in arrays of exact string values.
 */
import { STREAM_VIEW_TYPE } from '../db/table-definition.ts';

/** A pattern: at each leaf, the exact values one of which the record must have there. */
export type FilterPattern = { readonly [field: string]: readonly string[] | FilterPattern };

/** The record fields a filter reads: the event name and the new image, as DynamoDB attribute values. */
export type StreamRecordLike = {
  eventName?: string;
  dynamodb?: { NewImage?: Record<string, unknown> };
};

/** The image the patterns read; the table's stream must carry it. */
const IMAGE = 'NewImage';
if (STREAM_VIEW_TYPE !== 'NEW_IMAGE') throw new Error('The stream filter reads NewImage: the stream must carry new images');

export const DISPATCH_FILTER_PATTERNS: readonly FilterPattern[] = [
  { eventName: ['INSERT'], dynamodb: { [IMAGE]: { entity: { S: ['event'] } } } },
  { eventName: ['INSERT', 'MODIFY'], dynamodb: { [IMAGE]: { entity: { S: ['delivery'] }, state: { S: ['requested'] } } } },
];

/** Whether `value` (a record, or a part of one) matches `pattern`. */
export function matchesPattern(value: unknown, pattern: FilterPattern): boolean {
  if (value === null || typeof value !== 'object') return false;
  const fields = value as Record<string, unknown>;
  return Object.entries(pattern).every(([field, expected]) => {
    if (!Object.hasOwn(fields, field)) return false;
    const actual = fields[field];
    if (isValueList(expected)) return typeof actual === 'string' && expected.includes(actual);
    return matchesPattern(actual, expected);
  });
}

function isValueList(expected: readonly string[] | FilterPattern): expected is readonly string[] {
  return Array.isArray(expected);
}

/** Whether the dispatcher is invoked for this stream record (any of the patterns). */
export function isDispatchRecord(record: StreamRecordLike): boolean {
  return DISPATCH_FILTER_PATTERNS.some((pattern) => matchesPattern(record, pattern));
}
