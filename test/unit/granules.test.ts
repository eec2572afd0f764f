import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { granuleId, granuleStarts, isAligned, maxDurationMinutes, MAX_GRANULES_PER_BOOKING, MAX_TRANSACTION_ITEMS, RESERVED_TRANSACTION_ITEMS } from '#shared/time/granules.ts';

const at = (iso: string) => Date.parse(iso);

describe('slot granules', () => {
  it('covers an hour with four 15-minute granules, keyed by UTC start', () => {
    const g = granuleStarts(at('2025-05-20T17:00:00Z'), at('2025-05-20T18:00:00Z'), 15).map(granuleId);
    expect(g).toEqual(['2025-05-20T17:00:00Z', '2025-05-20T17:15:00Z', '2025-05-20T17:30:00Z', '2025-05-20T17:45:00Z']);
  });

  it('gives adjacent windows disjoint granules, and overlapping windows shared ones', () => {
    const first = granuleStarts(at('2025-05-20T17:00:00Z'), at('2025-05-20T18:00:00Z'), 15);
    const next = granuleStarts(at('2025-05-20T18:00:00Z'), at('2025-05-20T19:00:00Z'), 15);
    expect(first.filter((g) => next.includes(g))).toEqual([]);
    const overlapping = granuleStarts(at('2025-05-20T17:45:00Z'), at('2025-05-20T18:15:00Z'), 15);
    expect(overlapping.filter((g) => first.includes(g))).toEqual([at('2025-05-20T17:45:00Z')]);
  });

  it('covers every granule a misaligned interval touches (never fewer)', () => {
    const g = granuleStarts(at('2025-05-20T17:05:00Z'), at('2025-05-20T17:20:00Z'), 10).map(granuleId);
    expect(g).toEqual(['2025-05-20T17:00:00Z', '2025-05-20T17:10:00Z']);
  });

  it('counts real hours across a daylight-saving change (the 25-hour day has 100 quarter hours)', () => {
    const day = granuleStarts(at('2026-11-01T07:00:00Z'), at('2026-11-02T08:00:00Z'), 15);
    expect(day).toHaveLength(100);
    expect(new Set(day.map(granuleId)).size).toBe(100);
  });

  it('refuses an empty or inverted interval', () => {
    expect(() => granuleStarts(10, 10, 15)).toThrow(RangeError);
    expect(() => granuleStarts(20, 10, 15)).toThrow(RangeError);
  });

  it('bounds a booking so that even a move to a disjoint window fits one transaction', () => {
    for (const g of [5, 10, 15]) {
      const granules = maxDurationMinutes(g) / g;
      // delete old + put new locks, for provider and operatory, plus the appointment, two guards, the exam pin, the audit entry and the event
      expect(4 * granules + RESERVED_TRANSACTION_ITEMS).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS);
    }
    expect(RESERVED_TRANSACTION_ITEMS).toBe(6);
    expect(maxDurationMinutes(15)).toBe(5 * 60 + 45);
    expect(maxDurationMinutes(5)).toBe(MAX_GRANULES_PER_BOOKING * 5);
    expect(maxDurationMinutes(5)).toBe(115);
  });

  it('checks alignment on the local wall clock', () => {
    const local = (t: string) => DateTime.fromISO(t, { zone: 'America/Los_Angeles' });
    expect(isAligned(local('2025-05-20T10:45:00'), 15)).toBe(true);
    expect(isAligned(local('2025-05-20T10:50:00'), 15)).toBe(false);
    expect(isAligned(local('2025-05-20T10:50:00'), 10)).toBe(true);
    expect(isAligned(local('2025-05-20T10:45:30'), 15)).toBe(false);
  });
});
