// The luxon-based shared/time/local-day.ts as of commit e74b545, verbatim apart from import paths and
// one fix made in both (the skipped-time search's step, which never ended on fractional offsets): the
// oracle that test/unit/zoned-time.test.ts holds the luxon-free module to. Not production code.
/**
 * Local days and times of day in a zone, turned into UTC instants — for working hours ("Monday
 * 08:00–17:00 at this location") and date ranges, where a wall time may be skipped or repeated by a
 * daylight-saving change.
 *
 * Dates are handled as day numbers, never compared as text: after 9999-12-31 the ISO form grows a
 * sign and two digits (`+010000-01-01`, as luxon and `Date` write it), which sorts before `9999-…`.
 */
import { DateTime, IANAZone } from 'luxon';

export type Interval = { start: number; end: number };

const MINUTE = 60_000;
const DAY = 86_400_000;

/** `YYYY-MM-DD`, or the expanded `±YYYYYY-MM-DD` written outside the years 0000–9999. */
const ISO_DATE = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})$/;

/** Days from 1970-01-01 to a calendar date (negative before it); a RangeError for anything else. */
export function dayNumber(date: string): number {
  const m = ISO_DATE.exec(date);
  // setUTCFullYear, not Date.UTC: the latter reads the years 0–99 as 1900–1999.
  const ms = m ? new Date(0).setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (Number.isNaN(ms) || dateOfDay(ms / DAY) !== date) throw new RangeError(`not a calendar date: ${date}`);
  return ms / DAY;
}

/** The ISO date of a day number, in the same form luxon writes (`+010000-01-01` past year 9999). */
export function dateOfDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, -'T00:00:00.000Z'.length);
}

/** The date `days` days after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return dateOfDay(dayNumber(date) + days);
}

/**
 * The first instant at which the zone's clock shows `time` (HH:mm, or 24:00 for the end of the day)
 * on `date` or later. For an ordinary time that is the time itself; for a repeated time (fall back)
 * its first occurrence; for a skipped time (spring forward) the moment the clocks jump, so a shift
 * "02:30–10:00" on that day starts at 03:00 and a shift never gains or loses real time it did not have.
 */
export function instantOfLocalTime(date: string, time: string, zoneName: string): number {
  const zone = IANAZone.create(zoneName);
  const [h, mi] = time.split(':').map(Number) as [number, number];
  // The wall reading as if it were UTC; the instant is `naive` minus the offset in force then.
  const naive = dayNumber(date) * DAY + (h * 60 + mi) * MINUTE;
  // At most one transition lies within a day of any wall time, so the offsets a day before and a day
  // after are the only ones that can apply.
  const before = zone.offset(naive - DAY);
  const after = zone.offset(naive + DAY);
  const readings = [naive - before * MINUTE, naive - after * MINUTE].filter((t) => t + zone.offset(t) * MINUTE === naive);
  if (readings.length > 0) return Math.min(...readings);
  // Skipped: the clocks jump from `before` to `after` at some instant in [naive - after, naive - before];
  // binary-search the first minute that already runs on the new offset.
  let lo = naive - after * MINUTE;
  let hi = naive - before * MINUTE;
  while (hi - lo > MINUTE) {
    // At least a minute on: offsets of the 1800s and early 1900s are fractional minutes (local mean
    // time), so lo and hi need not be whole minutes apart, and a half step of zero would never end.
    const mid = lo + Math.max(1, Math.floor((hi - lo) / 2 / MINUTE)) * MINUTE;
    if (zone.offset(mid) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Every calendar date from `from` to `to` inclusive, counted by day. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let day = dayNumber(from), last = dayNumber(to); day <= last; day++) dates.push(dateOfDay(day));
  return dates;
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday (1970-01-01, day 0, was a Thursday). */
export function weekdayOf(date: string): number {
  return ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

/** The wall-clock minute of the hour at an instant, in a zone. */
export function wallMinute(epochMs: number, zoneName: string): number {
  return DateTime.fromMillis(epochMs, { zone: zoneName }).minute;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}
