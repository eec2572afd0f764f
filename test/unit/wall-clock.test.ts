import { describe, expect, it } from 'vitest';
import { formatWallClock, resolveWallClock, toWallClock } from '#shared/time/wall-clock.ts';

const LA = 'America/Los_Angeles';

function instant(text: string, zone = LA) {
  const r = resolveWallClock(text, zone);
  if (!r.ok) throw new Error(`expected ${text} to resolve, got ${r.problem.kind}`);
  return r.instant.toUTC().toISO();
}

describe('resolveWallClock', () => {
  it('reads a guide-style local time in the location zone (PDT in May)', () => {
    expect(instant('2025-05-20T10:00:00')).toBe('2025-05-20T17:00:00.000Z');
    expect(instant('2025-05-20T10:00')).toBe('2025-05-20T17:00:00.000Z');
  });

  it('uses standard time in winter (PST)', () => {
    expect(instant('2025-01-15T10:00:00')).toBe('2025-01-15T18:00:00.000Z');
  });

  it('refuses a time the clocks skip on the spring-forward day', () => {
    const r = resolveWallClock('2026-03-08T02:30:00', LA);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem.kind).toBe('nonexistent');
  });

  it('accepts the minutes either side of the spring-forward gap', () => {
    expect(instant('2026-03-08T01:45:00')).toBe('2026-03-08T09:45:00.000Z');
    expect(instant('2026-03-08T03:00:00')).toBe('2026-03-08T10:00:00.000Z');
  });

  it('asks for an offset in the repeated hour of the fall-back day, and honours it', () => {
    const r = resolveWallClock('2026-11-01T01:30:00', LA);
    expect(r.ok).toBe(false);
    if (!r.ok && r.problem.kind === 'ambiguous') expect(r.problem.offsets.sort()).toEqual(['-07:00', '-08:00']);
    else throw new Error('expected ambiguous');
    expect(instant('2026-11-01T01:30:00-07:00')).toBe('2026-11-01T08:30:00.000Z');
    expect(instant('2026-11-01T01:30:00-08:00')).toBe('2026-11-01T09:30:00.000Z');
  });

  it('refuses an offset the zone does not have at that time', () => {
    const r = resolveWallClock('2025-05-20T10:00:00-08:00', LA);
    expect(!r.ok && r.problem.kind).toBe('offset_mismatch');
    expect(!resolveWallClock('2025-05-20T10:00:00Z', LA).ok).toBe(true);
    expect(instant('2025-05-20T10:00:00Z', 'UTC')).toBe('2025-05-20T10:00:00.000Z');
  });

  it('calls impossible dates malformed', () => {
    for (const text of ['2025-02-30T10:00:00', '2025-13-01T10:00:00', '2025-05-20T24:30:00', 'tomorrow', '2025-05-20 10:00']) {
      const r = resolveWallClock(text, LA);
      expect(!r.ok && r.problem.kind, text).toBe('malformed');
    }
  });
});

describe('formatting wall-clock times', () => {
  it('prints plain local time, adding the offset only inside a repeated hour', () => {
    expect(toWallClock('2025-05-20T17:00:00Z', LA)).toBe('2025-05-20T10:00:00');
    expect(toWallClock('2026-11-01T08:30:00Z', LA)).toBe('2026-11-01T01:30:00-07:00');
    expect(toWallClock('2026-11-01T09:30:00Z', LA)).toBe('2026-11-01T01:30:00-08:00');
    expect(toWallClock('2026-11-01T10:30:00Z', LA)).toBe('2026-11-01T02:30:00');
  });

  it('round-trips every quarter hour across both daylight-saving days', () => {
    for (const day of ['2026-03-08', '2026-11-01']) {
      const start = Date.parse(`${day}T07:00:00Z`);
      for (let t = start; t < start + 26 * 3600_000; t += 15 * 60_000) {
        const local = toWallClock(new Date(t).toISOString(), LA);
        const back = resolveWallClock(local, LA);
        expect(back.ok && back.instant.toMillis(), local).toBe(t);
        expect(back.ok && formatWallClock(back.instant)).toBe(local);
      }
    }
  });
});
