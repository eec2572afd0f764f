import { describe, expect, it } from 'vitest';
import { openWindows, workingIntervals, type AvailabilityRequest, type WeeklyHours } from '#shared/domain/availability.ts';
import { planBookingWindow } from '#shared/domain/booking-window.ts';
import { toWallClock } from '#shared/time/wall-clock.ts';
import { granuleStarts } from '#shared/time/granules.ts';

const LA = 'America/Los_Angeles';
const at = (iso: string) => Date.parse(iso);
const local = (ms: number) => toWallClock(new Date(ms).toISOString(), LA);

/** A request for one provider ('dr') with `weekly` hours over `from`..`to` in `zone` (LA unless given), one free chair. */
function request(overrides: Partial<AvailabilityRequest> & { weekly?: WeeklyHours; from?: string; to?: string }): AvailabilityRequest {
  const { weekly = { '2': [{ start: '08:00', end: '12:00' }] }, from = '2026-05-19', to = '2026-05-19', zone = LA, ...rest } = overrides;
  return {
    zone,
    granularityMinutes: 15,
    lockGranuleMinutes: 15,
    durationMinutes: 60,
    earliestStart: 0,
    latestStart: Number.MAX_SAFE_INTEGER,
    providers: [{ uuid: 'dr', working: workingIntervals(weekly, from, to, zone), timeOff: [], held: new Set() }],
    operatories: [{ uuid: 'op1', timeOff: [], held: new Set() }],
    ...rest,
  };
}

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

const LORD_HOWE = 'Australia/Lord_Howe';
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const wallIn = (zone: string) => (ms: number) => toWallClock(new Date(ms).toISOString(), zone);
const label = (zone: string, granularity: number, startMinute: number) => `${zone} ${granularity}-minute grid, hours from ${hhmm(startMinute)}`;

describe('workingIntervals', () => {
  it('turns each weekday interval into instants, on the weekdays named only', () => {
    const weekly: WeeklyHours = { '1': [{ start: '08:00', end: '12:00' }], '3': [{ start: '09:30', end: '10:00' }, { start: '13:00', end: '24:00' }] };
    expect(workingIntervals(weekly, '2026-05-18', '2026-05-20', LA)).toEqual([
      { start: at('2026-05-18T15:00:00Z'), end: at('2026-05-18T19:00:00Z') },
      { start: at('2026-05-20T16:30:00Z'), end: at('2026-05-20T17:00:00Z') },
      { start: at('2026-05-20T20:00:00Z'), end: at('2026-05-21T07:00:00Z') },
    ]);
  });

  it('keeps real time on Lord Howe’s 30-minute changes and drops an interval the clocks skip entirely', () => {
    const sunday = (from: string, to: string): WeeklyHours => ({ '7': [{ start: from, end: to }] });
    const minutes = (i: { start: number; end: number }[]) => i.map((x) => (x.end - x.start) / 60_000);
    expect(minutes(workingIntervals(sunday('01:00', '03:00'), '2027-10-03', '2027-10-03', LORD_HOWE))).toEqual([90]);
    expect(minutes(workingIntervals(sunday('01:00', '03:00'), '2027-04-04', '2027-04-04', LORD_HOWE))).toEqual([150]);
    expect(workingIntervals(sunday('02:00', '02:30'), '2027-10-03', '2027-10-03', LORD_HOWE)).toEqual([]);
    expect(minutes(workingIntervals(sunday('02:00', '02:35'), '2027-10-03', '2027-10-03', LORD_HOWE))).toEqual([5]);
  });

  it('ends at 9999-12-31 instead of looping past it', () => {
    const everyDay = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [{ start: '08:00', end: '09:00' }]])) as WeeklyHours;
    const intervals = workingIntervals(everyDay, '9999-12-30', '9999-12-31', 'UTC');
    expect(intervals.map((i) => new Date(i.start).toISOString())).toEqual(['9999-12-30T08:00:00.000Z', '9999-12-31T08:00:00.000Z']);
  });
});

describe('openWindows: the grid', () => {
  it('starts hours that are off the grid at the next grid time (08:10 on 15 minutes → 08:15) and ends inside them', () => {
    for (const zone of [LA, 'Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns']) {
      const windows = openWindows(request({ zone, weekly: { '2': [{ start: '08:10', end: '10:05' }] } }));
      expect(windows.map((w) => `${wallIn(zone)(w.start).slice(11, 16)}–${wallIn(zone)(w.end).slice(11, 16)}`), zone).toEqual(['08:15–09:15', '08:30–09:30', '08:45–09:45', '09:00–10:00']);
    }
  });

  it('starts 08:05 hours at 08:10 on a 10-minute grid, and 08:10 hours at 08:10', () => {
    const starts = (from: string) =>
      openWindows(request({ granularityMinutes: 10, lockGranuleMinutes: 5, durationMinutes: 30, weekly: { '2': [{ start: from, end: '09:00' }] } })).map((w) => local(w.start).slice(11, 16));
    expect(starts('08:05')).toEqual(['08:10', '08:20', '08:30']);
    expect(starts('08:10')).toEqual(['08:10', '08:20', '08:30']);
  });

  it('offers only windows that book: on the grid at both ends and inside the hours, across zones and clock changes', () => {
    // Sundays with a clock change in each zone (and an ordinary one); hours that start and end off the grid.
    const days: [string, string][] = [
      [LA, '2027-03-14'], [LA, '2027-11-07'], [LORD_HOWE, '2027-04-04'], [LORD_HOWE, '2027-10-03'],
      ['Pacific/Chatham', '2027-09-26'], ['America/St_Johns', '2027-11-07'], ['Asia/Kathmandu', '2027-05-16'],
    ];
    const refused: string[] = [];
    let offered = 0;
    for (const [zone, day] of days) {
      // 5 divides every offset and change; 10 and 15 do not divide the :45 offsets.
      for (const granularity of [10, 15]) {
        for (const startMinute of [10, 95]) {
          const weekly: WeeklyHours = { '7': [{ start: hhmm(startMinute), end: hhmm(startMinute + 125) }] };
          const working = workingIntervals(weekly, day, day, zone);
          const windows = openWindows(request({ zone, weekly, from: day, to: day, granularityMinutes: granularity, lockGranuleMinutes: 5, durationMinutes: 2 * granularity }));
          offered += windows.length;
          for (const w of windows) {
            const [start, end] = [wallIn(zone)(w.start), wallIn(zone)(w.end)];
            const label = `${zone} ${granularity}-minute grid, hours from ${hhmm(startMinute)}: ${start}–${end}`;
            try {
              const plan = planBookingWindow({ scheduled_start: start, scheduled_end: end }, { timeZone: zone, granularityMinutes: granularity, horizonDays: 36_500, now: new Date(0) });
              if (Date.parse(plan.startUtc) !== w.start || Date.parse(plan.endUtc) !== w.end) refused.push(`${label} books another instant`);
            } catch (error) {
              refused.push(`${label}: ${(error as Error).message}`);
            }
            if (!working.some((i) => i.start <= w.start && w.end <= i.end)) refused.push(`${label} is outside the hours`);
          }
          // The clocks change at 02:00 or later, so the first start is the first grid time at or after the hours' start.
          expect(wallIn(zone)(windows[0]!.start).slice(11, 16), label(zone, granularity, startMinute)).toBe(hhmm(Math.ceil(startMinute / granularity) * granularity));
        }
      }
    }
    expect(refused).toEqual([]);
    expect(offered).toBeGreaterThan(200);
  });

  it('refuses a duration that is not whole grid steps (its windows could not end on the grid)', () => {
    expect(() => openWindows(request({ durationMinutes: 20 }))).toThrow(new RangeError('duration 20 is not a whole number of 15-minute steps'));
    // 0 and -15 are multiples of 15: the guard, not a later failure, must refuse them.
    expect(() => openWindows(request({ durationMinutes: 0 }))).toThrow(new RangeError('duration 0 is not a whole number of 15-minute steps'));
    expect(() => openWindows(request({ durationMinutes: -15 }))).toThrow(new RangeError('duration -15 is not a whole number of 15-minute steps'));
    expect(openWindows(request({ durationMinutes: 15 }))).toHaveLength(16);
  });

  it('starts windows exactly at the earliest start and at the latest start', () => {
    const windows = openWindows({ ...request({}), earliestStart: at('2026-05-19T16:00:00Z'), latestStart: at('2026-05-19T16:30:00Z') });
    expect(windows.map((w) => local(w.start).slice(11, 16))).toEqual(['09:00', '09:15', '09:30']);
  });
});

describe('openWindows: Lord Howe’s 30-minute clock changes', () => {
  const inLordHowe = (day: string) => openWindows(request({ zone: LORD_HOWE, weekly: { '7': [{ start: '00:00', end: '04:00' }] }, from: day, to: day, durationMinutes: 30 }));

  it('has no start in the skipped half hour and 3½ real hours of windows (2027-10-03)', () => {
    const starts = inLordHowe('2027-10-03').map((w) => wallIn(LORD_HOWE)(w.start).slice(11, 16));
    expect(starts).toEqual(['00:00', '00:15', '00:30', '00:45', '01:00', '01:15', '01:30', '01:45', '02:30', '02:45', '03:00', '03:15', '03:30']);
  });

  it('lists the repeated half hour once per real time, with offsets (2027-04-04)', () => {
    const windows = inLordHowe('2027-04-04');
    expect(windows).toHaveLength(17); // 4½ real hours
    expect(windows.every((w) => w.end - w.start === 30 * 60_000)).toBe(true);
    expect(windows.map((w) => wallIn(LORD_HOWE)(w.start).slice(11))).toEqual([
      '00:00', '00:15', '00:30', '00:45', '01:00', '01:15',
      '01:30+11:00', '01:45+11:00', '01:30+10:30', '01:45+10:30',
      '02:00', '02:15', '02:30', '02:45', '03:00', '03:15', '03:30',
    ].map((t) => t.replace(/^(\d\d:\d\d)/, '$1:00')));
  });
});

describe('openWindows: time off at the edges', () => {
  const nine = at('2026-05-19T16:00:00Z'); // 09:00 local
  const ten = at('2026-05-19T17:00:00Z');
  const minute = 60_000;
  const startsWith = (off: { start: number; end: number }, who: 'provider' | 'operatory') => {
    const base = request({ weekly: { '2': [{ start: '08:00', end: '11:00' }] } });
    const windows = openWindows({
      ...base,
      providers: [{ ...base.providers[0]!, timeOff: who === 'provider' ? [off] : [] }],
      operatories: [{ uuid: 'op1', timeOff: who === 'operatory' ? [off] : [], held: new Set() }],
    });
    return windows.map((w) => local(w.start).slice(11, 16));
  };

  for (const who of ['provider', 'operatory'] as const) {
    it(`${who}: time off that ends at a window's start or starts at its end leaves it open`, () => {
      expect(startsWith({ start: at('2026-05-19T15:00:00Z'), end: nine }, who)).toEqual(['09:00', '09:15', '09:30', '09:45', '10:00']);
      expect(startsWith({ start: ten, end: at('2026-05-19T18:00:00Z') }, who)).toEqual(['08:00', '08:15', '08:30', '08:45', '09:00']);
    });

    it(`${who}: one minute of overlap at either edge closes the window`, () => {
      expect(startsWith({ start: at('2026-05-19T15:00:00Z'), end: nine + minute }, who)).toEqual(['09:15', '09:30', '09:45', '10:00']);
      expect(startsWith({ start: ten - minute, end: at('2026-05-19T18:00:00Z') }, who)).toEqual(['08:00', '08:15', '08:30', '08:45']);
    });
  }
});

describe('openWindows: order', () => {
  it('orders by start across providers, then by provider uuid at the same start ("the open windows, by start")', () => {
    const hours = (start: string, end: string) => workingIntervals({ '2': [{ start, end }] }, '2026-05-19', '2026-05-19', LA);
    const windows = openWindows({
      ...request({ durationMinutes: 30 }),
      providers: [
        { uuid: 'bbbbbbbb-0000-4000-8000-000000000000', working: hours('08:00', '09:00'), timeOff: [], held: new Set() },
        { uuid: 'aaaaaaaa-0000-4000-8000-000000000000', working: hours('08:15', '09:00'), timeOff: [], held: new Set() },
      ],
    });
    expect(windows.map((w) => `${local(w.start).slice(11, 16)} ${w.provider_uuid[0]}`)).toEqual(['08:00 b', '08:15 a', '08:15 b', '08:30 a', '08:30 b']);
  });

  it('orders one provider’s intervals by start whatever order they come in', () => {
    const [morning, afternoon] = workingIntervals({ '2': [{ start: '08:00', end: '09:00' }, { start: '13:00', end: '14:00' }] }, '2026-05-19', '2026-05-19', LA);
    const windows = openWindows({ ...request({}), providers: [{ uuid: 'dr', working: [afternoon!, morning!], timeOff: [], held: new Set() }] });
    expect(windows.map((w) => local(w.start).slice(11, 16))).toEqual(['08:00', '13:00']);
  });

  it('lists the free operatories in the order given', () => {
    const windows = openWindows(request({ operatories: [{ uuid: 'op-z', timeOff: [], held: new Set() }, { uuid: 'op-a', timeOff: [], held: new Set() }] }));
    expect(windows[0]?.operatory_uuids).toEqual(['op-z', 'op-a']);
  });
});
