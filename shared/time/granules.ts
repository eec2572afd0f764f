/**
 * Slot granules: the units a booking locks.
 *
 * A granule is a `granularityMinutes`-long stretch on a grid anchored at the Unix epoch (UTC), and
 * an appointment locks every granule its [start, end) interval touches. Anchoring the grid in UTC
 * rather than in local time means two appointments of the same provider always lock comparable keys,
 * even across locations in different zones or across a daylight-saving change; when a zone's offset
 * is a multiple of the granularity (every real zone for 5/10/15 minutes except a handful of
 * ±:30/:45 zones at 10 minutes) the locked granules are exactly the appointment, and otherwise they
 * cover a little more — never less, so a double booking is impossible either way.
 */

export const DEFAULT_GRANULARITY_MINUTES = 15;
export const ALLOWED_GRANULARITIES = [5, 10, 15] as const;

/**
 * One transaction holds at most 100 items. The largest write is a reschedule to a window that shares
 * nothing with the old one: it deletes the old locks and puts the new ones, for the provider and the
 * operatory (4 per granule), and holds 6 more items — the appointment's update, the provider's and
 * the operatory's schedule guards, the exam pin (a provider who cannot examine pins the type's
 * `requires_exam`), its audit entry and its event (the outbox, events.ts) — so a booking may cover
 * at most 23 lock granules: 5 h 45 min at 15-minute locks, 1 h 55 min at 5 (4 × 23 + 6 = 98; two
 * more items would still fit, a 24th granule would not).
 */
export const MAX_TRANSACTION_ITEMS = 100;
export const RESERVED_TRANSACTION_ITEMS = 6;
export const MAX_GRANULES_PER_BOOKING = Math.floor((MAX_TRANSACTION_ITEMS - RESERVED_TRANSACTION_ITEMS) / 4);

/** Longest appointment at a lock granule (longer visits are booked as several appointments). */
export function maxDurationMinutes(lockGranuleMinutes: number): number {
  return MAX_GRANULES_PER_BOOKING * lockGranuleMinutes;
}

/** Is the wall-clock time on the granularity grid (minutes a multiple of it, no seconds)? */
export function isAligned(local: { minute: number; second: number; millisecond: number }, granularityMinutes: number): boolean {
  return local.minute % granularityMinutes === 0 && local.second === 0 && local.millisecond === 0;
}

/** Epoch milliseconds of every granule start that [startMs, endMs) touches. */
export function granuleStarts(startMs: number, endMs: number, granularityMinutes: number): number[] {
  if (!(endMs > startMs)) throw new RangeError('end must be after start');
  const step = granularityMinutes * 60_000;
  const first = Math.floor(startMs / step) * step;
  const starts: number[] = [];
  for (let t = first; t < endMs; t += step) starts.push(t);
  return starts;
}

/** The UTC ISO form of a granule start, as used in slot keys. */
export function granuleId(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('.000Z', 'Z');
}
