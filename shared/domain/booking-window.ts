/**
 * Turns the wall-clock window of a booking request into UTC instants and slot granules, enforcing
 * the rules that do not need the database (pure, unit-tested):
 * times that exist exactly once in the location's zone, start before end, both on the org's
 * granularity, a bounded duration, a start that is not in the past, and no further ahead than the
 * booking horizon.
 */
import type { ZonedTime } from '../time/zones.ts';
import { ApiError, invalidRequest, unprocessable, type FieldError } from '../errors.ts';
import { granuleId, granuleStarts, isAligned, maxDurationMinutes } from '../time/granules.ts';
import { formatWallClock, resolveWallClock, toUtcIso } from '../time/wall-clock.ts';

export type BookingWindow = {
  /** Wall-clock form the API answers with. */
  startLocal: string;
  endLocal: string;
  startUtc: string;
  endUtc: string;
  durationMinutes: number;
  /** UTC ids of every granule the window locks. */
  granules: string[];
};

type Request = { scheduled_start: string; scheduled_end: string };
type Rules = {
  timeZone: string;
  granularityMinutes: number;
  /** Unit of the slot locks (the organisation's finest grid); defaults to the granularity. */
  lockGranuleMinutes?: number;
  horizonDays: number;
  now: Date;
};

function resolve(field: keyof Request, text: string, zone: string): ZonedTime | FieldError {
  const result = resolveWallClock(text, zone);
  if (result.ok) return result.instant;
  const path = `body.${field}`;
  switch (result.problem.kind) {
    case 'malformed':
      return { path, message: 'is not a real date and time' };
    default:
      return { path, message: result.problem.detail };
  }
}

export function planBookingWindow(request: Request, rules: Rules): BookingWindow {
  const start = resolve('scheduled_start', request.scheduled_start, rules.timeZone);
  const end = resolve('scheduled_end', request.scheduled_end, rules.timeZone);
  const errors = [start, end].filter((r): r is FieldError => 'path' in r);
  if (errors.length > 0) {
    const malformed = errors.every((e) => e.message === 'is not a real date and time');
    if (malformed) throw invalidRequest(errors);
    throw unprocessable(`The times cannot be placed in the location's time zone (${rules.timeZone}).`, errors);
  }
  const s = start as ZonedTime;
  const e = end as ZonedTime;
  if (e.toMillis() <= s.toMillis()) {
    throw unprocessable('scheduled_end must be after scheduled_start.', [{ path: 'body.scheduled_end', message: 'must be after scheduled_start' }]);
  }
  const g = rules.granularityMinutes;
  const misaligned = [
    ...(isAligned(s, g) ? [] : [{ path: 'body.scheduled_start', message: `must fall on the ${g}-minute grid (e.g. :00, :${String(g).padStart(2, '0')})` }]),
    ...(isAligned(e, g) ? [] : [{ path: 'body.scheduled_end', message: `must fall on the ${g}-minute grid` }]),
  ];
  if (misaligned.length > 0) throw unprocessable(`Appointments start and end on the practice's ${g}-minute grid.`, misaligned);
  const durationMinutes = Math.round((e.toMillis() - s.toMillis()) / 60_000);
  const lock = rules.lockGranuleMinutes ?? g;
  const max = maxDurationMinutes(lock);
  if (durationMinutes > max) {
    throw unprocessable(`An appointment lasts at most ${max} minutes here; book longer visits as several appointments.`, [
      { path: 'body.scheduled_end', message: `must be at most ${max} minutes after scheduled_start` },
    ]);
  }
  if (s.toMillis() < rules.now.getTime()) {
    throw unprocessable('scheduled_start is in the past.', [{ path: 'body.scheduled_start', message: 'must not be in the past' }]);
  }
  if (s.toMillis() > rules.now.getTime() + rules.horizonDays * 86_400_000) {
    throw new ApiError('unprocessable', `Bookings open at most ${rules.horizonDays} days ahead.`, {
      errors: [{ path: 'body.scheduled_start', message: `must be within ${rules.horizonDays} days from now` }],
    });
  }
  return {
    startLocal: formatWallClock(s),
    endLocal: formatWallClock(e),
    startUtc: toUtcIso(s),
    endUtc: toUtcIso(e),
    durationMinutes,
    granules: granuleStarts(s.toMillis(), e.toMillis(), lock).map(granuleId),
  };
}
