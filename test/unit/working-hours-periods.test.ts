import { describe, expect, it } from 'vitest';
import { toWorkingHoursRecord } from '#shared/db/records/working-hours.ts';
import { intervalsOf, schedulePeriods, toWorkingHours } from '#shared/domain/working-hours.ts';

const nine = { monday: [{ start: '09:00', end: '17:00' }] };
const eight = { monday: [{ start: '08:00', end: '12:00' }] };
const today = '2027-03-01';

describe('schedulePeriods (what a PUT of working hours leaves in force)', () => {
  it('replaces everything when effective_from is absent, today or past', () => {
    const existing = [{ from: null, to: '2027-03-09', weekly: nine }, { from: '2027-03-10', to: null, weekly: eight }];
    for (const from of [undefined, null, today, '2026-01-01']) {
      expect(schedulePeriods(existing, { weekly: eight, effective_from: from }, today)).toEqual([{ from: from ?? null, to: null, weekly: expect.objectContaining(eight) }]);
    }
  });

  it('schedules a future change: the hours in force end the day before', () => {
    const periods = schedulePeriods([{ from: null, to: null, weekly: nine }], { weekly: eight, effective_from: '2027-04-01' }, today);
    expect(periods.map(({ from, to }) => ({ from, to }))).toEqual([
      { from: null, to: '2027-03-31' },
      { from: '2027-04-01', to: null },
    ]);
  });

  it('replaces changes scheduled on or after the new date, keeps earlier ones, drops ended ones', () => {
    const existing = [
      { from: null, to: '2027-02-27', weekly: nine }, // ended before today
      { from: '2027-02-28', to: '2027-03-31', weekly: nine },
      { from: '2027-04-01', to: '2027-04-30', weekly: eight },
      { from: '2027-05-01', to: null, weekly: nine },
    ];
    const periods = schedulePeriods(existing, { weekly: eight, effective_from: '2027-04-15', effective_to: '2027-06-30' }, today);
    expect(periods.map(({ from, to }) => ({ from, to }))).toEqual([
      { from: '2027-02-28', to: '2027-03-31' },
      { from: '2027-04-01', to: '2027-04-14' },
      { from: '2027-04-15', to: '2027-06-30' },
    ]);
  });

  it('refuses more than 8 scheduled sets of hours', () => {
    let periods = schedulePeriods([], { weekly: nine }, today);
    for (let month = 4; month <= 10; month++) periods = schedulePeriods(periods, { weekly: nine, effective_from: `2027-${String(month).padStart(2, '0')}-01` }, today);
    expect(periods).toHaveLength(8);
    expect(() => schedulePeriods(periods, { weekly: nine, effective_from: '2027-12-01' }, today)).toThrow(/at most 8/);
  });
});

describe('hours in force per date', () => {
  const item = {
    provider_uuid: 'p',
    location_uuid: 'l',
    time_zone: 'UTC',
    periods: [
      { from: null, to: '2027-03-07', weekly: nine },
      { from: '2027-03-08', to: null, weekly: eight },
    ],
  };

  it('each date uses the period in force on it', () => {
    // Mondays 2027-03-01 and 2027-03-08.
    const hours = intervalsOf(item, '2027-03-01', '2027-03-08', 'UTC').map((i) => [new Date(i.start).toISOString(), new Date(i.end).toISOString()]);
    expect(hours).toEqual([
      ['2027-03-01T09:00:00.000Z', '2027-03-01T17:00:00.000Z'],
      ['2027-03-08T08:00:00.000Z', '2027-03-08T12:00:00.000Z'],
    ]);
  });

  it('reads as the hours in force today, with the later ones as scheduled changes', () => {
    const read = toWorkingHours(item, new Date('2027-03-02T12:00:00Z'));
    expect(read).toMatchObject({ effective_from: null, effective_to: '2027-03-07', weekly: { monday: nine.monday } });
    expect(read.scheduled_changes).toEqual([{ weekly: expect.objectContaining({ monday: eight.monday }), effective_from: '2027-03-08', effective_to: null }]);
    const later = toWorkingHours(item, new Date('2027-03-09T12:00:00Z'));
    expect(later).toMatchObject({ effective_from: '2027-03-08', weekly: { monday: eight.monday }, scheduled_changes: [] });
  });

  it('reads hours stored before periods existed as one period', () => {
    const legacy = toWorkingHoursRecord({ provider_uuid: 'p', location_uuid: 'l', weekly: nine, effective_from: '2027-01-01', effective_to: null });
    expect(toWorkingHours(legacy, new Date('2027-03-02T00:00:00Z'))).toMatchObject({ effective_from: '2027-01-01', effective_to: null, scheduled_changes: [] });
    expect(intervalsOf(legacy, '2026-12-28', '2026-12-28', 'UTC')).toEqual([]);
  });
});
