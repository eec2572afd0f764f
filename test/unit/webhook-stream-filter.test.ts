/**
 * The one definition of what the webhook dispatcher is invoked for (shared/webhooks/stream-filter.ts):
 * the Lambda filter patterns the stack passes to the event source, and the predicate the local stream
 * reader applies, agree on sample records (positive and negative), and the patterns are the JSON Lambda gets.
 */
import { describe, expect, it } from 'vitest';
import { DISPATCH_FILTER_PATTERNS, isDispatchRecord, matchesPattern, type StreamRecordLike } from '#shared/webhooks/stream-filter.ts';

const S = (value: string) => ({ S: value });
const record = (eventName: string, image?: Record<string, unknown>): StreamRecordLike => ({ eventName, dynamodb: image ? { NewImage: image } : {} });

/** [what, record, invoked?] — written out, not derived from the patterns. */
const SAMPLES: Array<[string, StreamRecordLike, boolean]> = [
  ['event inserted', record('INSERT', { pk: S('ORG#o'), sk: S('EVENT#e'), entity: S('event'), body: S('{}') }), true],
  ['event modified (never: events are written once)', record('MODIFY', { entity: S('event') }), false],
  ['event removed (TTL)', record('REMOVE'), false],
  ['delivery inserted as requested', record('INSERT', { entity: S('delivery'), state: S('requested') }), true],
  ['delivery modified to requested (the retry route)', record('MODIFY', { entity: S('delivery'), state: S('requested') }), true],
  ['delivery pending', record('INSERT', { entity: S('delivery'), state: S('pending') }), false],
  ['delivery delivered', record('MODIFY', { entity: S('delivery'), state: S('delivered') }), false],
  ['delivery failed', record('MODIFY', { entity: S('delivery'), state: S('failed') }), false],
  ['delivery without a state', record('INSERT', { entity: S('delivery') }), false],
  ['an appointment', record('INSERT', { entity: S('appointment'), state: S('requested') }), false],
  ['an attempt', record('INSERT', { entity: S('delivery-attempt') }), false],
  ['an endpoint', record('MODIFY', { entity: S('webhook-endpoint') }), false],
  ['entity as a number attribute', record('INSERT', { entity: { N: '1' } }), false],
  ['entity as a list', record('INSERT', { entity: { L: [S('event')] } }), false],
  ['no image', { eventName: 'INSERT' }, false],
  ['no event name', { dynamodb: { NewImage: { entity: S('event') } } }, false],
  ['an item without entity', record('INSERT', { pk: S('ORG#o') }), false],
];

describe('the dispatcher stream filter', () => {
  it.each(SAMPLES)('%s', (_what, sample, invoked) => {
    expect(isDispatchRecord(sample)).toBe(invoked);
    // The predicate is the patterns: a record is invoked exactly when one of them matches it.
    expect(DISPATCH_FILTER_PATTERNS.some((p) => matchesPattern(sample, p))).toBe(invoked);
  });

  it('passes Lambda exactly these patterns (the stack serialises them as its FilterCriteria)', () => {
    expect(DISPATCH_FILTER_PATTERNS.map((p) => JSON.stringify(p))).toEqual([
      '{"eventName":["INSERT"],"dynamodb":{"NewImage":{"entity":{"S":["event"]}}}}',
      '{"eventName":["INSERT","MODIFY"],"dynamodb":{"NewImage":{"entity":{"S":["delivery"]},"state":{"S":["requested"]}}}}',
    ]);
  });

  it('matches as Lambda does: every field of the pattern, each value one of the listed, extra fields ignored', () => {
    expect(matchesPattern({ a: 'x', b: 'y' }, { a: ['x'] })).toBe(true);
    expect(matchesPattern({ a: 'z' }, { a: ['x', 'y'] })).toBe(false);
    expect(matchesPattern({ a: { b: 'x' } }, { a: { b: ['x'] } })).toBe(true);
    expect(matchesPattern({ a: 'x' }, { a: { b: ['x'] } })).toBe(false);
    expect(matchesPattern({}, { a: ['x'] })).toBe(false);
    expect(matchesPattern(null, { a: ['x'] })).toBe(false);
    // A prototype's field is not the record's.
    expect(matchesPattern(Object.create({ a: 'x' }), { a: ['x'] })).toBe(false);
  });
});
