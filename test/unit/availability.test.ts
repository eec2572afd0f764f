import { describe, expect, it } from 'vitest';
import { openWindows, workingIntervals, type AvailabilityRequest, type WeeklyHours } from '#shared/domain/availability.ts';
import { instantOfLocalTime } from '#shared/time/local-day.ts';
import { toWallClock } from '#shared/time/wall-clock.ts';
import { granuleStarts } from '#shared/time/granules.ts';

const LA = 'America/Los_Angeles';
const at = (iso: string) => Date.parse(iso);
const local = (ms: number) => toWallClock(new Date(ms).toISOString(), LA);

function request(overrides: Partial<AvailabilityRequest> & { weekly?: WeeklyHours; from?: string; to?: string }): AvailabilityRequest {
  const { weekly = { '2': [{ start: '08:00', end: '12:00' }] }, from = '2026-05-19', to = '2026-05-19', ...rest } = overrides;
  return {
    zone: LA,
    granularityMinutes: 15,
    lockGranuleMinutes: 15,
    durationMinutes: 60,
    earliestStart: 0,
    latestStart: Number.MAX_SAFE_INTEGER,
    providers: [{ uuid: 'dr', working: workingIntervals(weekly, from, to, LA), timeOff: [], held: new Set() }],
    operatories: [{ uuid: 'op1', timeOff: [], held: new Set() }],
    ...rest,
  };
}

describe('instantOfLocalTime', () => {
  it('maps ordinary, skipped and repeated wall times to the first instant the clock shows them', () => {
    expect(new Date(instantOfLocalTime('2026-05-19', '08:00', LA)).toISOString()).toBe('2026-05-19T15:00:00.000Z');
    expect(new Date(instantOfLocalTime('2026-03-08', '02:30', LA)).toISOString()).toBe('2026-03-08T10:00:00.000Z');
    expect(new Date(instantOfLocalTime('2026-11-01', '01:30', LA)).toISOString()).toBe('2026-11-01T08:30:00.000Z');
    expect(new Date(instantOfLocalTime('2026-05-19', '24:00', LA)).toISOString()).toBe('2026-05-20T07:00:00.000Z');
  });
});

describe('openWindows', () => {
  it('lists every grid start whose whole window fits the working hours', () => {
    const starts = openWindows(request({})).map((w) => local(w.start));
    expect(starts).toEqual(['08:00', '08:15', '08:30', '08:45', '09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45', '11:00'].map((t) => `2026-05-19T${t}:00`));
  });

  it('respects split shifts and weekdays (Tuesday only here)', () => {
    const weekly: WeeklyHours = { '2': [{ start: '08:00', end: '09:00' }, { start: '13:00', end: '14:30' }] };
    const starts = openWindows(request({ weekly, from: '2026-05-18', to: '2026-05-20' })).map((w) => local(w.start));
    expect(starts).toEqual(['2026-05-19T08:00:00', '2026-05-19T13:00:00', '2026-05-19T13:15:00', '2026-05-19T13:30:00']);
  });

  it('leaves out windows touching a held lock, and adjacent ones stay open', () => {
    const held = new Set(granuleStarts(at('2026-05-19T17:00:00Z'), at('2026-05-19T18:00:00Z'), 15)); // 10:00–11:00 local
    const windows = openWindows(request({ providers: [{ uuid: 'dr', working: workingIntervals({ '2': [{ start: '08:00', end: '12:00' }] }, '2026-05-19', '2026-05-19', LA), timeOff: [], held }] }));
    // 09:00–10:00 ends where the booking starts and 11:00–12:00 starts where it ends.
    expect(windows.map((w) => local(w.start).slice(11, 16))).toEqual(['08:00', '08:15', '08:30', '08:45', '09:00', '11:00']);
  });

  it('needs one free operatory for the whole window, and lists the free ones', () => {
    const busyChair = new Set(granuleStarts(at('2026-05-19T15:00:00Z'), at('2026-05-19T16:00:00Z'), 15)); // 08:00–09:00
    const windows = openWindows(
      request({ operatories: [{ uuid: 'op1', timeOff: [], held: busyChair }, { uuid: 'op2', timeOff: [{ start: at('2026-05-19T15:30:00Z'), end: at('2026-05-19T16:30:00Z') }], held: new Set() }] }),
    );
    const byStart = Object.fromEntries(windows.map((w) => [local(w.start).slice(11, 16), w.operatory_uuids]));
    expect(byStart['08:00']).toBeUndefined(); // op1 booked, op2 off from 08:30
    expect(byStart['08:30']).toBeUndefined();
    expect(byStart['09:00']).toEqual(['op1']); // op2 off until 09:30
    expect(byStart['09:30']).toEqual(['op1', 'op2']);
  });

  it('leaves out provider time off, the past and starts beyond the horizon', () => {
    const base = request({});
    const off = { start: at('2026-05-19T16:00:00Z'), end: at('2026-05-19T17:00:00Z') }; // 09:00–10:00
    const windows = openWindows({ ...base, providers: [{ ...base.providers[0]!, timeOff: [off] }], earliestStart: at('2026-05-19T15:20:00Z'), latestStart: at('2026-05-19T17:30:00Z') });
    expect(windows.map((w) => local(w.start).slice(11, 16))).toEqual(['10:00', '10:15', '10:30']);
  });

  it('has no start inside the spring-forward gap (LA, 2026-03-08)', () => {
    const windows = openWindows(request({ weekly: { '7': [{ start: '00:00', end: '06:00' }] }, from: '2026-03-08', to: '2026-03-08', durationMinutes: 30 }));
    const starts = windows.map((w) => local(w.start));
    expect(starts.filter((s) => s.slice(11, 13) === '02')).toEqual([]);
    expect(starts).toHaveLength(19); // five real hours
    expect(starts[7]).toBe('2026-03-08T01:45:00');
    expect(starts[8]).toBe('2026-03-08T03:00:00');
    expect(windows.every((w) => w.end - w.start === 30 * 60_000)).toBe(true);
  });

  it('neither doubles nor drops the repeated hour (LA, 2026-11-01)', () => {
    const windows = openWindows(request({ weekly: { '7': [{ start: '00:00', end: '04:00' }] }, from: '2026-11-01', to: '2026-11-01', durationMinutes: 30 }));
    expect(windows).toHaveLength(19); // five real hours
    expect(new Set(windows.map((w) => w.start)).size).toBe(19);
    const repeated = windows.map((w) => local(w.start)).filter((s) => s.slice(11, 13) === '01');
    expect(repeated).toEqual([
      '2026-11-01T01:00:00-07:00', '2026-11-01T01:15:00-07:00', '2026-11-01T01:30:00-07:00', '2026-11-01T01:45:00-07:00',
      '2026-11-01T01:00:00-08:00', '2026-11-01T01:15:00-08:00', '2026-11-01T01:30:00-08:00', '2026-11-01T01:45:00-08:00',
    ]);
  });

  it('steps on a 5-minute grid and locks on a 5-minute granule', () => {
    const windows = openWindows(request({ granularityMinutes: 5, lockGranuleMinutes: 5, durationMinutes: 45, weekly: { '2': [{ start: '08:00', end: '09:00' }] } }));
    expect(windows.map((w) => local(w.start).slice(11, 16))).toEqual(['08:00', '08:05', '08:10', '08:15']);
  });
});
