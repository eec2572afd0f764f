/**
 * Open time (pure). Given what the database says about providers and operatories for a date range,
 * lists every window that could be booked right now:
 * - the provider may take the type (rule 0 of bookable.ts: the caller, open-time.ts, passes only
 *   providers who can examine for a type that requires an exam);
 * - it starts on the practice's grid, not in the past and within the booking horizon;
 * - the provider works then at the location (the whole window inside one working interval);
 * - the provider has no time off overlapping it and holds no slot lock in it;
 * - at least one active operatory of the location has no time off and no lock in it.
 * The same lock granules as a booking are checked, so what this returns books, and nothing it leaves
 * out would have booked.
 */
import { resourceFree } from './bookable.ts';
import { datesBetween, instantOfLocalTime, wallMinute, weekdayOf, type Interval } from '../time/local-day.ts';

/** Local `HH:mm` intervals per ISO weekday (1 = Monday … 7 = Sunday). */
export type WeeklyHours = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', { start: string; end: string }[]>>;

export type ProviderSchedule = {
  uuid: string;
  /** Working intervals at this location in the range (from `workingIntervals`). */
  working: Interval[];
  timeOff: Interval[];
  /** Starts (epoch ms) of the lock granules the provider holds. */
  held: ReadonlySet<number>;
};

export type OperatorySchedule = { uuid: string; timeOff: Interval[]; held: ReadonlySet<number> };

export type AvailabilityRequest = {
  zone: string;
  granularityMinutes: number;
  lockGranuleMinutes: number;
  durationMinutes: number;
  /** Earliest and latest allowed start (epoch ms): now and the booking horizon. */
  earliestStart: number;
  latestStart: number;
  providers: ProviderSchedule[];
  operatories: OperatorySchedule[];
};

/** One bookable window; `operatory_uuids` keeps the order of `AvailabilityRequest.operatories`. */
export type OpenWindow = { start: number; end: number; provider_uuid: string; operatory_uuids: string[] };

/** A provider's working intervals at one location over local dates `from`..`to`, as instants. */
export function workingIntervals(weekly: WeeklyHours, from: string, to: string, zone: string): Interval[] {
  return datesBetween(from, to).flatMap((date) =>
    (weekly[String(weekdayOf(date)) as keyof WeeklyHours] ?? [])
      .map(({ start, end }) => ({ start: instantOfLocalTime(date, start, zone), end: instantOfLocalTime(date, end, zone) }))
      .filter((i) => i.end > i.start),
  );
}

/**
 * Every open window, by start and, at the same start, by provider uuid (the API promises "by start";
 * the tie-break keeps the answer the same from one call to the next).
 */
export function openWindows(request: AvailabilityRequest): OpenWindow[] {
  // A window ends on the grid only if its length is whole grid steps; booking refuses any other end.
  if (!(request.durationMinutes > 0 && request.durationMinutes % request.granularityMinutes === 0)) {
    throw new RangeError(`duration ${request.durationMinutes} is not a whole number of ${request.granularityMinutes}-minute steps`);
  }
  const step = request.granularityMinutes * 60_000;
  const duration = request.durationMinutes * 60_000;
  const windows: OpenWindow[] = [];
  for (const provider of request.providers) {
    for (const interval of provider.working) {
      // First grid-aligned wall time at or after the interval's start; then real-time steps, which
      // stay on the wall grid because zone offsets move by multiples of the granularity.
      const skew = (request.granularityMinutes - (wallMinute(interval.start, request.zone) % request.granularityMinutes)) % request.granularityMinutes;
      for (let start = interval.start + skew * 60_000; start + duration <= interval.end; start += step) {
        if (start < request.earliestStart || start > request.latestStart) continue;
        const window = { start, end: start + duration };
        // The bookable rule (bookable.ts); rule 1 holds by construction: the window lies in `interval`.
        if (!resourceFree(window, request.lockGranuleMinutes, provider)) continue;
        const chairs = request.operatories.filter((o) => resourceFree(window, request.lockGranuleMinutes, o)).map((o) => o.uuid);
        if (chairs.length > 0) windows.push({ ...window, provider_uuid: provider.uuid, operatory_uuids: chairs });
      }
    }
  }
  return windows.sort((a, b) => a.start - b.start || a.provider_uuid.localeCompare(b.provider_uuid));
}
