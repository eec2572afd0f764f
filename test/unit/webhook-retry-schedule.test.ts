/** The retry schedule: now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, jittered; Retry-After honoured. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ATTEMPT_DELAYS_S, JITTER, MAX_ATTEMPTS, MAX_RETRY_AFTER_S, nextAttemptAt } from '#shared/webhooks/retry-schedule.ts';
import { parseRetryAfter } from '#shared/webhooks/sender.ts';

const now = new Date('2026-12-01T12:00:00.000Z');
const delayS = (at: Date | null) => (at === null ? null : (at.getTime() - now.getTime()) / 1000);
const middle = () => 0.5; // no jitter

describe('retry schedule', () => {
  it('is the issue schedule: ten attempts over about three days', () => {
    expect(ATTEMPT_DELAYS_S).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
    expect(MAX_ATTEMPTS).toBe(10);
    const total = ATTEMPT_DELAYS_S.reduce((a, b) => a + b, 0);
    expect(total / 86400).toBeGreaterThan(3);
    expect(total / 86400).toBeLessThan(3.25);
  });

  it('after attempt n fails, waits the n-th delay (no jitter at r = 0.5)', () => {
    const delays = Array.from({ length: 9 }, (_, i) => delayS(nextAttemptAt(i + 1, now, { random: middle })));
    expect(delays).toEqual([5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
  });

  it('gives up after the tenth attempt', () => {
    expect(nextAttemptAt(10, now, { random: middle })).toBeNull();
    expect(nextAttemptAt(11, now, { random: middle, retryAfterS: 5 })).toBeNull();
  });

  it('jitters each delay within ±20 %, reaching both ends', () => {
    expect(delayS(nextAttemptAt(2, now, { random: () => 0 }))).toBe(300 * (1 - JITTER));
    expect(delayS(nextAttemptAt(2, now, { random: () => 0.999999 }))).toBeCloseTo(300 * (1 + JITTER), 2);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
        const d = delayS(nextAttemptAt(n, now, { random: () => r }))!;
        const base = ATTEMPT_DELAYS_S[n]!;
        expect(d).toBeGreaterThanOrEqual(base * (1 - JITTER) - 0.001);
        expect(d).toBeLessThanOrEqual(base * (1 + JITTER) + 0.001);
      }),
    );
  });

  it('honours a Retry-After longer than the next delay, capped at 24 h; a shorter one changes nothing', () => {
    expect(delayS(nextAttemptAt(1, now, { random: middle, retryAfterS: 120 }))).toBe(120);
    expect(delayS(nextAttemptAt(3, now, { random: middle, retryAfterS: 120 }))).toBe(1800);
    expect(delayS(nextAttemptAt(1, now, { random: middle, retryAfterS: 10 * 86400 }))).toBe(MAX_RETRY_AFTER_S);
    expect(delayS(nextAttemptAt(1, now, { random: middle, retryAfterS: 0 }))).toBe(5);
    expect(delayS(nextAttemptAt(1, now, { random: middle, retryAfterS: null }))).toBe(5);
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates; ignores the unreadable', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Tue, 01 Dec 2026 12:10:00 GMT', now)).toBe(600);
    expect(parseRetryAfter('Tue, 01 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});
