/**
 * The one rule of what may be booked, used by booking and moves (appointments.ts) and by
 * availability (availability.ts), so a window availability offers is a window a booking accepts:
 *
 * 0. a type that requires an exam goes only to a provider who can examine;
 * 1. the whole window lies inside one of the provider's working intervals at the location;
 * 2. neither the provider nor the chair has time off overlapping it;
 * 3. neither holds a lock (a booking) in any of the window's lock granules.
 *
 * Pure: callers bring the intervals, time off and locks they read. A booking also has its
 * transaction re-check 0 (the provider's guard or a condition on its `can_examine`, or one on the
 * type's `requires_exam`), 2 (the schedule guards) and 3 (the locks' conditions) as it commits.
 */
import { granuleStarts } from '../time/granules.ts';
import { overlaps, type Interval } from '../time/local-day.ts';

/** Rule 0: a type with `requires_exam` only with a provider who `can_examine`. */
export function examinerFits(type: { requires_exam: boolean }, provider: { can_examine: boolean }): boolean {
  return !type.requires_exam || provider.can_examine;
}

/** Rule 1: the window inside one working interval. */
export function withinWorkingHours(window: Interval, working: readonly Interval[]): boolean {
  return working.some((i) => i.start <= window.start && window.end <= i.end);
}

/** Rule 2: no time off overlapping the window. */
export function freeOfTimeOff(window: Interval, timeOff: readonly Interval[]): boolean {
  return !timeOff.some((t) => overlaps(t, window));
}

/** Rule 3: the first lock held in the window's granules (`holderAt` a granule's start), if any. */
export function firstHeld<T>(window: Interval, lockGranuleMinutes: number, holderAt: (granuleStart: number) => T | undefined): T | undefined {
  for (const g of granuleStarts(window.start, window.end, lockGranuleMinutes)) {
    const holder = holderAt(g);
    if (holder !== undefined) return holder;
  }
  return undefined;
}

/** Rules 2 and 3 for one resource (a provider or a chair). */
export function resourceFree(window: Interval, lockGranuleMinutes: number, resource: { timeOff: readonly Interval[]; held: ReadonlySet<number> }): boolean {
  return freeOfTimeOff(window, resource.timeOff) && firstHeld(window, lockGranuleMinutes, (g) => (resource.held.has(g) ? g : undefined)) === undefined;
}
