import { describe, expect, it } from 'vitest';
import { planBookingWindow } from '#shared/domain/booking-window.ts';
import { ApiError } from '#shared/errors.ts';

const rules = { timeZone: 'America/Los_Angeles', granularityMinutes: 15, horizonDays: 365, now: new Date('2025-05-01T00:00:00Z') };

function problem(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('planBookingWindow', () => {
  it("plans the guide's booking: one hour, four granules, UTC instants", () => {
    const w = planBookingWindow({ scheduled_start: '2025-05-20T10:00:00', scheduled_end: '2025-05-20T11:00:00' }, rules);
    expect(w).toMatchObject({ startLocal: '2025-05-20T10:00:00', endLocal: '2025-05-20T11:00:00', startUtc: '2025-05-20T17:00:00Z', endUtc: '2025-05-20T18:00:00Z', durationMinutes: 60 });
    expect(w.granules).toEqual(['2025-05-20T17:00:00Z', '2025-05-20T17:15:00Z', '2025-05-20T17:30:00Z', '2025-05-20T17:45:00Z']);
  });

  it('refuses end before or equal to start with 422', () => {
    const e = problem(() => planBookingWindow({ scheduled_start: '2025-05-20T11:00:00', scheduled_end: '2025-05-20T11:00:00' }, rules));
    expect(e.status).toBe(422);
    expect(e.extensions.errors?.[0]?.path).toBe('body.scheduled_end');
  });

  it('refuses times off the granularity grid', () => {
    const e = problem(() => planBookingWindow({ scheduled_start: '2025-05-20T10:05:00', scheduled_end: '2025-05-20T11:00:00' }, rules));
    expect(e.status).toBe(422);
    expect(e.extensions.errors?.map((x) => x.path)).toEqual(['body.scheduled_start']);
    const ok = planBookingWindow({ scheduled_start: '2025-05-20T10:05:00', scheduled_end: '2025-05-20T10:15:00' }, { ...rules, granularityMinutes: 5 });
    expect(ok.granules).toHaveLength(2);
  });

  it('refuses a start in the past', () => {
    const e = problem(() => planBookingWindow({ scheduled_start: '2025-04-30T10:00:00', scheduled_end: '2025-04-30T11:00:00' }, rules));
    expect(e.status).toBe(422);
    expect(e.detail).toMatch(/past/);
  });

  it('refuses a start beyond the booking horizon', () => {
    const e = problem(() => planBookingWindow({ scheduled_start: '2026-06-01T10:00:00', scheduled_end: '2026-06-01T11:00:00' }, rules));
    expect(e.status).toBe(422);
  });

  it('refuses a duration that cannot fit one transaction', () => {
    const e = problem(() => planBookingWindow({ scheduled_start: '2025-05-20T08:00:00', scheduled_end: '2025-05-20T14:15:00' }, rules));
    expect(e.status).toBe(422);
    expect(problem(() => planBookingWindow({ scheduled_start: '2025-05-20T08:00:00', scheduled_end: '2025-05-20T14:00:00' }, rules)).status).toBe(422);
    expect(planBookingWindow({ scheduled_start: '2025-05-20T08:00:00', scheduled_end: '2025-05-20T13:45:00' }, rules).granules).toHaveLength(23);
  });

  it('refuses a start inside the spring-forward gap (422) and an impossible date (400)', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    const gap = problem(() => planBookingWindow({ scheduled_start: '2026-03-08T02:00:00', scheduled_end: '2026-03-08T03:30:00' }, { ...rules, now }));
    expect(gap.status).toBe(422);
    expect(gap.extensions.errors?.[0]?.message).toMatch(/does not exist/);
    const impossible = problem(() => planBookingWindow({ scheduled_start: '2026-02-30T10:00:00', scheduled_end: '2026-02-30T11:00:00' }, { ...rules, now }));
    expect(impossible.status).toBe(400);
  });

  it('books across the spring-forward gap by real time: 01:30–03:30 is one hour', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    const w = planBookingWindow({ scheduled_start: '2026-03-08T01:30:00', scheduled_end: '2026-03-08T03:30:00' }, { ...rules, now });
    expect(w.durationMinutes).toBe(60);
    expect(w.granules).toHaveLength(4);
  });

  it('needs the offset in the repeated fall-back hour and then books the right instant', () => {
    const now = new Date('2026-10-01T00:00:00Z');
    const ambiguous = problem(() => planBookingWindow({ scheduled_start: '2026-11-01T01:00:00', scheduled_end: '2026-11-01T01:30:00' }, { ...rules, now }));
    expect(ambiguous.status).toBe(422);
    const second = planBookingWindow({ scheduled_start: '2026-11-01T01:00:00-08:00', scheduled_end: '2026-11-01T02:00:00' }, { ...rules, now });
    expect(second).toMatchObject({ startUtc: '2026-11-01T09:00:00Z', endUtc: '2026-11-01T10:00:00Z', durationMinutes: 60, startLocal: '2026-11-01T01:00:00-08:00' });
  });

  it('refuses an end off the grid after a start on it, naming scheduled_end only', () => {
    const e = problem(() => planBookingWindow({ scheduled_start: '2025-05-20T10:00:00', scheduled_end: '2025-05-20T10:50:00' }, rules));
    expect(e.status).toBe(422);
    expect(e.detail).toBe("Appointments start and end on the practice's 15-minute grid.");
    expect(e.extensions.errors).toEqual([{ path: 'body.scheduled_end', message: 'must fall on the 15-minute grid' }]);
    const seconds = problem(() => planBookingWindow({ scheduled_start: '2025-05-20T10:00:00', scheduled_end: '2025-05-20T11:00:30' }, rules));
    expect(seconds.extensions.errors?.map((x) => x.path)).toEqual(['body.scheduled_end']);
  });

  it('names both ends when both are off the grid, with an example of the grid', () => {
    const e = problem(() => planBookingWindow({ scheduled_start: '2025-05-20T10:05:00', scheduled_end: '2025-05-20T10:50:00' }, rules));
    expect(e.extensions.errors).toEqual([
      { path: 'body.scheduled_start', message: 'must fall on the 15-minute grid (e.g. :00, :15)' },
      { path: 'body.scheduled_end', message: 'must fall on the 15-minute grid' },
    ]);
    const five = problem(() => planBookingWindow({ scheduled_start: '2025-05-20T10:03:00', scheduled_end: '2025-05-20T10:30:00' }, { ...rules, granularityMinutes: 5 }));
    expect(five.extensions.errors).toEqual([{ path: 'body.scheduled_start', message: 'must fall on the 5-minute grid (e.g. :00, :05)' }]);
  });

  it('says why each refusal happens, on the field at fault', () => {
    const order = problem(() => planBookingWindow({ scheduled_start: '2025-05-20T11:00:00', scheduled_end: '2025-05-20T10:00:00' }, rules));
    expect([order.detail, order.extensions.errors]).toEqual(['scheduled_end must be after scheduled_start.', [{ path: 'body.scheduled_end', message: 'must be after scheduled_start' }]]);
    const long = problem(() => planBookingWindow({ scheduled_start: '2025-05-20T08:00:00', scheduled_end: '2025-05-20T14:15:00' }, rules));
    expect([long.detail, long.extensions.errors]).toEqual([
      'An appointment lasts at most 345 minutes here; book longer visits as several appointments.',
      [{ path: 'body.scheduled_end', message: 'must be at most 345 minutes after scheduled_start' }],
    ]);
    const past = problem(() => planBookingWindow({ scheduled_start: '2025-04-30T10:00:00', scheduled_end: '2025-04-30T11:00:00' }, rules));
    expect([past.detail, past.extensions.errors]).toEqual(['scheduled_start is in the past.', [{ path: 'body.scheduled_start', message: 'must not be in the past' }]]);
    const far = problem(() => planBookingWindow({ scheduled_start: '2026-06-01T10:00:00', scheduled_end: '2026-06-01T11:00:00' }, rules));
    expect([far.status, far.detail, far.extensions.errors]).toEqual([422, 'Bookings open at most 365 days ahead.', [{ path: 'body.scheduled_start', message: 'must be within 365 days from now' }]]);
  });

  it('bounds the duration by the lock granule, not the grid', () => {
    const fine = { ...rules, lockGranuleMinutes: 5 };
    const e = problem(() => planBookingWindow({ scheduled_start: '2025-05-20T08:00:00', scheduled_end: '2025-05-20T10:15:00' }, fine));
    expect(e.extensions.errors).toEqual([{ path: 'body.scheduled_end', message: 'must be at most 115 minutes after scheduled_start' }]);
    expect(problem(() => planBookingWindow({ scheduled_start: '2025-05-20T08:00:00', scheduled_end: '2025-05-20T10:00:00' }, fine)).status).toBe(422);
    const w = planBookingWindow({ scheduled_start: '2025-05-20T08:00:00', scheduled_end: '2025-05-20T09:45:00' }, fine);
    expect(w.granules).toHaveLength(21);
    expect(w.granules.slice(0, 2)).toEqual(['2025-05-20T15:00:00Z', '2025-05-20T15:05:00Z']);
  });

  it('accepts a start exactly now and exactly at the horizon, and refuses a minute either way', () => {
    const now = new Date('2025-05-20T17:00:00Z'); // 10:00 in Los Angeles
    const at = (start: string, end: string, r = { ...rules, now }) => planBookingWindow({ scheduled_start: start, scheduled_end: end }, r);
    expect(at('2025-05-20T10:00:00', '2025-05-20T10:15:00').startUtc).toBe('2025-05-20T17:00:00Z');
    expect(problem(() => at('2025-05-20T10:00:00', '2025-05-20T10:15:00', { ...rules, now: new Date(now.getTime() + 60_000) })).detail).toMatch(/past/);
    const horizon = { ...rules, now, horizonDays: 1 };
    expect(at('2025-05-21T10:00:00', '2025-05-21T10:15:00', horizon).startUtc).toBe('2025-05-21T17:00:00Z');
    expect(problem(() => at('2025-05-21T10:00:00', '2025-05-21T10:15:00', { ...horizon, now: new Date(now.getTime() - 60_000) })).detail).toMatch(/at most 1 days ahead/);
  });

  it('answers 400 only when every bad time is malformed, and 422 naming each field otherwise', () => {
    const both = problem(() => planBookingWindow({ scheduled_start: '2025-02-30T10:00:00', scheduled_end: '2025-02-31T10:00:00' }, rules));
    expect([both.status, both.extensions.errors]).toEqual([
      400,
      [{ path: 'body.scheduled_start', message: 'is not a real date and time' }, { path: 'body.scheduled_end', message: 'is not a real date and time' }],
    ]);
    const now = new Date('2026-03-01T00:00:00Z');
    const mixed = problem(() => planBookingWindow({ scheduled_start: '2026-03-08T02:30:00', scheduled_end: '2026-02-30T10:00:00' }, { ...rules, now }));
    expect(mixed.status).toBe(422);
    expect(mixed.detail).toBe("The times cannot be placed in the location's time zone (America/Los_Angeles).");
    expect(mixed.extensions.errors).toEqual([
      { path: 'body.scheduled_start', message: '2026-03-08T02:30:00 does not exist in America/Los_Angeles: the clocks skip it (daylight-saving change)' },
      { path: 'body.scheduled_end', message: 'is not a real date and time' },
    ]);
  });

  it('plans a window with an offset in minutes (Kolkata, Lord Howe) on the local grid', () => {
    const kolkata = planBookingWindow({ scheduled_start: '2025-05-20T10:15:00+05:30', scheduled_end: '2025-05-20T10:45:00' }, { ...rules, timeZone: 'Asia/Kolkata' });
    expect(kolkata).toMatchObject({ startUtc: '2025-05-20T04:45:00Z', endUtc: '2025-05-20T05:15:00Z', startLocal: '2025-05-20T10:15:00', durationMinutes: 30 });
    const now = new Date('2027-03-01T00:00:00Z');
    const lordHowe = planBookingWindow({ scheduled_start: '2027-04-04T01:45:00+11:00', scheduled_end: '2027-04-04T01:45:00+10:30' }, { ...rules, timeZone: 'Australia/Lord_Howe', now });
    expect(lordHowe).toMatchObject({ startLocal: '2027-04-04T01:45:00+11:00', endLocal: '2027-04-04T01:45:00+10:30', durationMinutes: 30 });
    expect(lordHowe.granules).toEqual(['2027-04-03T14:45:00Z', '2027-04-03T15:00:00Z']);
  });
});
