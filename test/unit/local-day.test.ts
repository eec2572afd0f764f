import { describe, expect, it } from 'vitest';
import { offsetAt } from '#shared/time/zones.ts';
import { addDays, dateOfDay, datesBetween, dayNumber, instantOfLocalTime, overlaps, wallMinute, weekdayOf } from '#shared/time/local-day.ts';

const LA = 'America/Los_Angeles';
/** Australia/Lord_Howe moves its clocks by 30 minutes: +11:00 in summer, +10:30 in winter. */
const LORD_HOWE = 'Australia/Lord_Howe';
const iso = (ms: number) => new Date(ms).toISOString();

describe('calendar dates', () => {
  it('counts days across the end of year 9999, where the ISO form grows a sign (+010000 sorts before 9999)', () => {
    // Compared as text, '+010000-01-01' <= '9999-12-31': a loop that compares strings never ends on
    // the next call (it filled the heap) and returns nothing on this one, so this one goes first.
    expect(datesBetween('9999-12-31', '+010000-01-02')).toEqual(['9999-12-31', '+010000-01-01', '+010000-01-02']);
    expect(datesBetween('9999-12-30', '9999-12-31')).toEqual(['9999-12-30', '9999-12-31']);
    expect(datesBetween('9999-12-31', '9999-12-30')).toEqual([]);
    expect(addDays('9999-12-31', 1)).toBe('+010000-01-01');
    expect(addDays('+010000-01-01', -1)).toBe('9999-12-31');
  });

  it('reads the years 0–99 as themselves and steps below year 0 as luxon writes it', () => {
    expect(datesBetween('0099-12-31', '0100-01-01')).toEqual(['0099-12-31', '0100-01-01']);
    expect(addDays('0000-01-01', -1)).toBe('-000001-12-31');
    expect(datesBetween('-000001-12-31', '0000-01-01')).toEqual(['-000001-12-31', '0000-01-01']);
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('1969-12-31')).toBe(-1);
    expect(dateOfDay(dayNumber('0050-06-01'))).toBe('0050-06-01');
  });

  it('counts every day of a leap year and of the 2000 and 2100 Februaries', () => {
    expect(datesBetween('2024-01-01', '2024-12-31')).toHaveLength(366);
    expect(datesBetween('2000-02-28', '2000-03-01')).toEqual(['2000-02-28', '2000-02-29', '2000-03-01']);
    expect(datesBetween('2100-02-28', '2100-03-01')).toEqual(['2100-02-28', '2100-03-01']);
  });

  it('names the ISO weekday, before 1970 and at the extremes too', () => {
    expect(weekdayOf('1970-01-01')).toBe(4); // Thursday, day 0
    expect(weekdayOf('2026-05-18')).toBe(1);
    expect(weekdayOf('2026-05-24')).toBe(7);
    expect(weekdayOf('1969-12-28')).toBe(7);
    expect(weekdayOf('1969-12-29')).toBe(1);
    expect(weekdayOf('0001-01-01')).toBe(1);
    expect(weekdayOf('9999-12-31')).toBe(5);
    expect(weekdayOf('+010000-01-01')).toBe(6);
  });

  it('refuses text that is not a calendar date rather than looping on it', () => {
    for (const text of ['2025-02-30', '2025-13-01', '10000-01-01', '+002025-01-01', '2025-5-1', '']) {
      expect(() => dayNumber(text), text).toThrow(new RangeError(`not a calendar date: ${text}`));
    }
    expect(() => datesBetween('2025-05-01', 'never')).toThrow(new RangeError('not a calendar date: never'));
  });
});

describe('instantOfLocalTime', () => {
  it('ends, and finds the jump, where the offsets around a change are fractional minutes (local mean time)', () => {
    // Each of these once looped forever: the search's half step rounded down to zero minutes.
    const cases: [string, string, string][] = [
      ['Africa/Abidjan', '1912-01-01', '00:00'],
      ['Africa/Addis_Ababa', '1908-05-01', '00:00'],
      ['Africa/Bissau', '1911-12-31', '23:58'],
      ['Africa/Bangui', '1914-01-01', '00:00'],
    ];
    for (const [zone, date, time] of cases) {
      const t = instantOfLocalTime(date, time, zone);
      const naive = Date.parse(`${date}T${time}:00Z`);
      const before = offsetAt(naive - 86_400_000, zone);
      const after = offsetAt(naive + 86_400_000, zone);
      expect(before, zone).not.toBe(after);
      // On the new offset already, and within the span the jump can lie in.
      expect(offsetAt(t, zone), `${zone} ${date}T${time}`).toBe(after);
      expect(t).toBeGreaterThanOrEqual(naive - Math.max(before, after) * 60_000);
      expect(t).toBeLessThanOrEqual(naive - Math.min(before, after) * 60_000);
    }
  });

  it('maps ordinary, skipped and repeated wall times to the first instant the clock shows them', () => {
    expect(iso(instantOfLocalTime('2026-05-19', '08:00', LA))).toBe('2026-05-19T15:00:00.000Z');
    expect(iso(instantOfLocalTime('2026-03-08', '02:30', LA))).toBe('2026-03-08T10:00:00.000Z');
    expect(iso(instantOfLocalTime('2026-11-01', '01:30', LA))).toBe('2026-11-01T08:30:00.000Z');
    expect(iso(instantOfLocalTime('2026-05-19', '24:00', LA))).toBe('2026-05-20T07:00:00.000Z');
  });

  it('takes the first instant after the change where a time is just outside it (LA)', () => {
    expect(iso(instantOfLocalTime('2026-03-08', '01:59', LA))).toBe('2026-03-08T09:59:00.000Z');
    expect(iso(instantOfLocalTime('2026-03-08', '03:00', LA))).toBe('2026-03-08T10:00:00.000Z');
    expect(iso(instantOfLocalTime('2026-03-08', '04:00', LA))).toBe('2026-03-08T11:00:00.000Z');
    expect(iso(instantOfLocalTime('2026-11-01', '02:00', LA))).toBe('2026-11-01T10:00:00.000Z');
  });

  it('handles the 30-minute changes of Lord Howe (next: 2027-04-04 back to 01:30, 2027-10-03 ahead to 02:30)', () => {
    // Spring forward: 02:00–02:29 is skipped; each maps to the jump (02:30 +11:00 = 15:30Z).
    expect(iso(instantOfLocalTime('2027-10-03', '01:59', LORD_HOWE))).toBe('2027-10-02T15:29:00.000Z');
    expect(iso(instantOfLocalTime('2027-10-03', '02:00', LORD_HOWE))).toBe('2027-10-02T15:30:00.000Z');
    expect(iso(instantOfLocalTime('2027-10-03', '02:15', LORD_HOWE))).toBe('2027-10-02T15:30:00.000Z');
    expect(iso(instantOfLocalTime('2027-10-03', '02:30', LORD_HOWE))).toBe('2027-10-02T15:30:00.000Z');
    // Fall back: 01:30–01:59 happens twice; the first reading is at +11:00.
    expect(iso(instantOfLocalTime('2027-04-04', '01:30', LORD_HOWE))).toBe('2027-04-03T14:30:00.000Z');
    expect(iso(instantOfLocalTime('2027-04-04', '01:45', LORD_HOWE))).toBe('2027-04-03T14:45:00.000Z');
    expect(iso(instantOfLocalTime('2027-04-04', '02:00', LORD_HOWE))).toBe('2027-04-03T15:30:00.000Z');
  });

  it('lands on the jump when a whole local day is skipped (Samoa, 2011-12-30)', () => {
    expect(iso(instantOfLocalTime('2011-12-30', '10:00', 'Pacific/Apia'))).toBe('2011-12-30T10:00:00.000Z');
    expect(iso(instantOfLocalTime('2011-12-31', '00:00', 'Pacific/Apia'))).toBe('2011-12-30T10:00:00.000Z');
  });

  it('reads dates at the extremes: the end of 9999 and years below 100', () => {
    expect(iso(instantOfLocalTime('9999-12-31', '24:00', LA))).toBe('+010000-01-01T08:00:00.000Z');
    expect(iso(instantOfLocalTime('+010000-01-01', '00:00', 'UTC'))).toBe('+010000-01-01T00:00:00.000Z');
    expect(iso(instantOfLocalTime('0050-06-01', '12:00', 'UTC'))).toBe('0050-06-01T12:00:00.000Z');
  });
});

describe('wallMinute and overlaps', () => {
  it('reads the minute on the zone clock, not in UTC', () => {
    const t = Date.parse('2026-05-19T02:40:00Z');
    expect(wallMinute(t, 'UTC')).toBe(40);
    expect(wallMinute(t, 'Asia/Kolkata')).toBe(10); // 08:10 +05:30
    expect(wallMinute(t, 'Asia/Kathmandu')).toBe(25); // 08:25 +05:45
  });

  it('treats intervals that only touch as apart, and one minute in common as overlap', () => {
    const a = { start: 0, end: 60 * 60_000 };
    expect(overlaps(a, { start: a.end, end: a.end + 60_000 })).toBe(false);
    expect(overlaps({ start: a.end, end: a.end + 60_000 }, a)).toBe(false);
    expect(overlaps(a, { start: -60_000, end: a.start })).toBe(false);
    expect(overlaps(a, { start: a.end - 60_000, end: a.end + 60_000 })).toBe(true);
    expect(overlaps(a, { start: -60_000, end: a.start + 60_000 })).toBe(true);
    expect(overlaps(a, { start: 10, end: 20 })).toBe(true);
  });
});
