/**
 * Working hours as stored and as in force (pure: no I/O, unit-tested). Hours of a provider at a
 * location are periods of weekly hours; see `schedulePeriods` for what a PUT does to them.
 */
import { unprocessable } from '../errors.ts';
import { WEEKDAYS, type WorkingHours } from '../schemas/working-hours.ts';
import { addDays, dayNumber, type Interval } from '../time/local-day.ts';
import { workingIntervals, type WeeklyHours } from './availability.ts';
import { dateAt } from '../time/local-day.ts';
import type { Period, WeeklyByName, WorkingHoursRecord } from '../db/records/working-hours.ts';

export type { Period, WeeklyByName };

/** API form (monday…sunday) to the computation's ISO weekday numbers. */
export function weeklyByNumber(weekly: WeeklyByName): WeeklyHours {
  return Object.fromEntries(WEEKDAYS.map((day, i) => [String(i + 1), weekly[day] ?? []])) as WeeklyHours;
}

/**
 * Hours of a provider at a location are a list of periods, each in force from a date (inclusive)
 * to a date (inclusive; `null`: open). A PUT sets the hours from its `effective_from` (today when
 * absent or past) on: periods from that date or later are replaced, and the one in force then ends
 * the day before — so hours with a future `effective_from` are a scheduled change, and the hours in
 * force stay until that date. Items written before periods existed hold one period inline (the
 * repository reads them as that one period).
 */

/** At most this many periods are kept (past ones are dropped on every PUT). */
const MAX_PERIODS = 8;

export function periodsOf(hours: WorkingHoursRecord | undefined): Period[] {
  return hours?.periods ?? [];
}

export const dayBefore = (date: string) => addDays(date, -1);
/** Dates are compared as day numbers, never as text. */
const before = (a: string, b: string) => dayNumber(a) < dayNumber(b);

/** The local date at an instant in a zone. */
export const localDate = (epochMs: number, zone: string) => dateAt(epochMs, zone)!;

/** Pure: the periods after a PUT of `input` on `today` (local date at the location). */
export function schedulePeriods(existing: readonly Period[], input: { weekly: WeeklyByName; effective_from?: string | null; effective_to?: string | null }, today: string): Period[] {
  const next: Period = { from: input.effective_from ?? null, to: input.effective_to ?? null, weekly: sortedWeekly(input.weekly) };
  if (next.from === null || !before(today, next.from)) return [next];
  const from = next.from;
  const kept = existing
    .filter((p) => p.from === null || before(p.from, from))
    .map((p) => (p.to === null || !before(p.to, from) ? { ...p, to: dayBefore(from) } : p))
    .filter((p) => p.to === null || !before(p.to, today));
  const periods = [...kept, next];
  if (periods.length > MAX_PERIODS) {
    throw unprocessable(`A provider has at most ${MAX_PERIODS} scheduled sets of hours at a location.`, [{ path: 'body.effective_from', message: 'too many scheduled changes' }]);
  }
  return periods;
}

export function sortedWeekly(weekly: WeeklyByName): WeeklyByName {
  return Object.fromEntries(WEEKDAYS.map((d) => [d, [...(weekly[d] ?? [])].sort((a, b) => a.start.localeCompare(b.start))]));
}

const fullWeek = (weekly: WeeklyByName) => Object.fromEntries(WEEKDAYS.map((d) => [d, weekly[d] ?? []])) as WorkingHours['weekly'];

/** The API form: the hours in force today (or the first to come), and the changes scheduled after them. */
export function toWorkingHours(hours: WorkingHoursRecord, now: Date = new Date()): WorkingHours {
  const today = localDate(now.getTime(), hours.time_zone ?? 'UTC');
  const periods = periodsOf(hours);
  const current = periods.filter((p) => p.to === null || !before(p.to, today));
  const head = current[0] ?? periods.at(-1) ?? { from: null, to: null, weekly: {} };
  return {
    provider_uuid: hours.provider_uuid,
    location_uuid: hours.location_uuid,
    weekly: fullWeek(head.weekly),
    effective_from: head.from,
    effective_to: head.to,
    scheduled_changes: current.slice(1).map((p) => ({ weekly: fullWeek(p.weekly), effective_from: p.from!, effective_to: p.to })),
  };
}

/** The hours item's working intervals over local dates `from`..`to`, each date under the period in force on it. */
export function intervalsOf(hours: WorkingHoursRecord | undefined, from: string, to: string, zone: string): Interval[] {
  return periodsOf(hours).flatMap((p) => {
    const first = p.from !== null && before(from, p.from) ? p.from : from;
    const last = p.to !== null && before(p.to, to) ? p.to : to;
    return before(last, first) ? [] : workingIntervals(weeklyByNumber(p.weekly), first, last, zone);
  });
}

