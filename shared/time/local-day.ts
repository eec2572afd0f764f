/**
 * Local days and times of day in a zone, turned into UTC instants — for working hours ("Monday
 * 08:00–17:00 at this location") and date ranges, where a wall time may be skipped or repeated by a
 * daylight-saving change.
 */
import { DateTime, IANAZone } from 'luxon';

export type Interval = { start: number; end: number };

const MINUTE = 60_000;

function offsetAt(zone: IANAZone, epochMs: number): number {
  return zone.offset(epochMs);
}

/**
 * The first instant at which the zone's clock shows `time` (HH:mm, or 24:00 for the end of the day)
 * on `date` or later. For an ordinary time that is the time itself; for a repeated time (fall back)
 * its first occurrence; for a skipped time (spring forward) the moment the clocks jump, so a shift
 * "02:30–10:00" on that day starts at 03:00 and a shift never gains or loses real time it did not have.
 */
export function instantOfLocalTime(date: string, time: string, zoneName: string): number {
  const zone = IANAZone.create(zoneName);
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  const candidates = [offsetAt(zone, naive - 86_400_000), offsetAt(zone, naive + 86_400_000)]
    .map((offset) => naive - offset * MINUTE)
    .filter((t) => t + offsetAt(zone, t) * MINUTE === naive)
    .sort((a, b) => a - b);
  if (candidates[0] !== undefined) return candidates[0];
  // Skipped: binary-search the jump between the two readings (one transition inside ±1 day at most).
  let lo = naive - Math.max(offsetAt(zone, naive - 86_400_000), offsetAt(zone, naive + 86_400_000)) * MINUTE;
  let hi = naive - Math.min(offsetAt(zone, naive - 86_400_000), offsetAt(zone, naive + 86_400_000)) * MINUTE;
  while (hi - lo > MINUTE) {
    const mid = Math.floor((lo + hi) / 2 / MINUTE) * MINUTE;
    if (mid + offsetAt(zone, mid) * MINUTE >= naive) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Every calendar date from `from` to `to` inclusive (YYYY-MM-DD). */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let d = DateTime.fromISO(from, { zone: 'utc' }); d.toISODate()! <= to; d = d.plus({ days: 1 })) dates.push(d.toISODate()!);
  return dates;
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  return DateTime.fromISO(date, { zone: 'utc' }).weekday;
}

/** The wall-clock minute of the hour at an instant, in a zone. */
export function wallMinute(epochMs: number, zoneName: string): number {
  return DateTime.fromMillis(epochMs, { zone: zoneName }).minute;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}
