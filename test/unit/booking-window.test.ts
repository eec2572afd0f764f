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
    expect(planBookingWindow({ scheduled_start: '2025-05-20T08:00:00', scheduled_end: '2025-05-20T14:00:00' }, rules).granules).toHaveLength(24);
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
});
