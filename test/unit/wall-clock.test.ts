import { describe, expect, it } from 'vitest';
import { DateTime, Settings } from 'luxon';
import { formatWallClock, isValidTimeZone, resolveWallClock, toUtcIso, toWallClock, type WallClockProblem } from '#shared/time/wall-clock.ts';

const LA = 'America/Los_Angeles';

/** Australia/Lord_Howe moves its clocks by 30 minutes: +11:00 in summer, +10:30 in winter. */
const LORD_HOWE = 'Australia/Lord_Howe';

function problemOf(text: string, zone: string): WallClockProblem {
  const r = resolveWallClock(text, zone);
  if (r.ok) throw new Error(`expected ${text} to be refused, got ${new Date(r.instant.toMillis()).toISOString()}`);
  return r.problem;
}

function instant(text: string, zone = LA) {
  const r = resolveWallClock(text, zone);
  if (!r.ok) throw new Error(`expected ${text} to resolve, got ${r.problem.kind}`);
  return new Date(r.instant.toMillis()).toISOString();
}

describe('resolveWallClock', () => {
  it('reads a guide-style local time in the location zone (PDT in May)', () => {
    expect(instant('2025-05-20T10:00:00')).toBe('2025-05-20T17:00:00.000Z');
    expect(instant('2025-05-20T10:00')).toBe('2025-05-20T17:00:00.000Z');
  });

  it('uses standard time in winter (PST)', () => {
    expect(instant('2025-01-15T10:00:00')).toBe('2025-01-15T18:00:00.000Z');
  });

  it('refuses a time the clocks skip on the spring-forward day', () => {
    const r = resolveWallClock('2026-03-08T02:30:00', LA);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem.kind).toBe('nonexistent');
  });

  it('accepts the minutes either side of the spring-forward gap', () => {
    expect(instant('2026-03-08T01:45:00')).toBe('2026-03-08T09:45:00.000Z');
    expect(instant('2026-03-08T03:00:00')).toBe('2026-03-08T10:00:00.000Z');
  });

  it('asks for an offset in the repeated hour of the fall-back day, and honours it', () => {
    const r = resolveWallClock('2026-11-01T01:30:00', LA);
    expect(r.ok).toBe(false);
    if (!r.ok && r.problem.kind === 'ambiguous') expect(r.problem.offsets.sort()).toEqual(['-07:00', '-08:00']);
    else throw new Error('expected ambiguous');
    expect(instant('2026-11-01T01:30:00-07:00')).toBe('2026-11-01T08:30:00.000Z');
    expect(instant('2026-11-01T01:30:00-08:00')).toBe('2026-11-01T09:30:00.000Z');
  });

  it('refuses an offset the zone does not have at that time', () => {
    const r = resolveWallClock('2025-05-20T10:00:00-08:00', LA);
    expect(!r.ok && r.problem.kind).toBe('offset_mismatch');
    expect(!resolveWallClock('2025-05-20T10:00:00Z', LA).ok).toBe(true);
    expect(instant('2025-05-20T10:00:00Z', 'UTC')).toBe('2025-05-20T10:00:00.000Z');
  });

  it('calls impossible dates and anything but the one form malformed', () => {
    for (const text of [
      '2025-02-30T10:00:00', '2025-13-01T10:00:00', '2025-05-20T24:30:00', '2025-05-20T10:60:00', 'tomorrow', '2025-05-20 10:00',
      'x2025-05-20T10:00:00', '2025-05-20T10:00:00x', '2025-05-20T10:00:00+05:30x', '2025-05-20T10:00:00.1234', '2025-05-20T10:00:00.',
      '2025-05-20T10:00:00.a', '2025-05-20T10:00:00+0530', '2025-05-20T10:00:00+05:60', '2025-05-20T10:00:00z', '+02025-05-20T10:00:00',
    ]) {
      const r = resolveWallClock(text, LA);
      expect(!r.ok && r.problem.kind, text).toBe('malformed');
    }
  });
});

describe('resolveWallClock: seconds, fractions and the detail of each refusal', () => {
  it('reads seconds and one to three fraction digits as milliseconds', () => {
    expect(instant('2025-05-20T10:00:30', 'UTC')).toBe('2025-05-20T10:00:30.000Z');
    expect(instant('2025-05-20T10:00:00.5', 'UTC')).toBe('2025-05-20T10:00:00.500Z');
    expect(instant('2025-05-20T10:00:00.05', 'UTC')).toBe('2025-05-20T10:00:00.050Z');
    expect(instant('2025-05-20T10:00:00.123Z', 'UTC')).toBe('2025-05-20T10:00:00.123Z');
  });

  it('answers with the local form of the instant', () => {
    const r = resolveWallClock('2025-05-20T10:00', LA);
    expect(r.ok && r.local).toBe('2025-05-20T10:00:00');
    const repeated = resolveWallClock('2026-11-01T01:30:00-08:00', LA);
    expect(repeated.ok && repeated.local).toBe('2026-11-01T01:30:00-08:00');
  });

  it('says what is wrong: the skipped time, the two offsets of a repeated one, the offset the zone has', () => {
    expect(problemOf('2026-03-08T02:30:00.250', LA)).toEqual({
      kind: 'nonexistent',
      detail: '2026-03-08T02:30:00 does not exist in America/Los_Angeles: the clocks skip it (daylight-saving change)',
    });
    expect(problemOf('2026-11-01T01:30', LA)).toEqual({
      kind: 'ambiguous',
      detail: '2026-11-01T01:30 happens twice in America/Los_Angeles (daylight-saving change); add the offset, e.g. 2026-11-01T01:30:00-07:00 or 2026-11-01T01:30:00-08:00',
      offsets: ['-07:00', '-08:00'],
    });
    expect(problemOf('2025-05-20T10:00:00Z', LA)).toEqual({ kind: 'offset_mismatch', detail: '2025-05-20T10:00:00Z is not a time in America/Los_Angeles: its offset there is -07:00' });
    expect(problemOf('2026-11-01T01:30:00+00:00', LA)).toEqual({
      kind: 'offset_mismatch',
      detail: '2026-11-01T01:30:00+00:00 is not a time in America/Los_Angeles: its offset there is -07:00 or -08:00',
    });
  });

  it('refuses a whole skipped day (Samoa moved across the date line: 2011-12-30 never happened there)', () => {
    expect(problemOf('2011-12-30T10:00:00', 'Pacific/Apia').kind).toBe('nonexistent');
    expect(instant('2011-12-29T23:59:00', 'Pacific/Apia')).toBe('2011-12-30T09:59:00.000Z');
    expect(instant('2011-12-31T00:00:00', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
  });
});

describe('resolveWallClock: offsets with minutes', () => {
  it('honours +05:30 (India), +05:45 (Nepal) and −03:30 / −02:30 (Newfoundland, winter / summer)', () => {
    expect(instant('2026-05-19T10:00:00+05:30', 'Asia/Kolkata')).toBe('2026-05-19T04:30:00.000Z');
    expect(instant('2026-05-19T10:00:00+05:45', 'Asia/Kathmandu')).toBe('2026-05-19T04:15:00.000Z');
    expect(instant('2026-01-15T10:00:00-03:30', 'America/St_Johns')).toBe('2026-01-15T13:30:00.000Z');
    expect(instant('2026-07-15T10:00:00-02:30', 'America/St_Johns')).toBe('2026-07-15T12:30:00.000Z');
    // Without an offset the zone supplies the same one.
    expect(instant('2026-05-19T10:00:00', 'Asia/Kathmandu')).toBe('2026-05-19T04:15:00.000Z');
  });

  it('refuses the whole-hour neighbour and the sign flipped', () => {
    for (const [text, zone] of [
      ['2026-05-19T10:00:00+05:00', 'Asia/Kolkata'],
      ['2026-05-19T10:00:00+06:00', 'Asia/Kolkata'],
      ['2026-05-19T10:00:00-05:30', 'Asia/Kolkata'],
      ['2026-05-19T10:00:00+05:30', 'Asia/Kathmandu'],
      ['2026-01-15T10:00:00+03:30', 'America/St_Johns'],
      ['2026-01-15T10:00:00-03:00', 'America/St_Johns'],
      ['2026-07-15T10:00:00-03:30', 'America/St_Johns'],
    ] as const) {
      expect(problemOf(text, zone).kind, `${text} in ${zone}`).toBe('offset_mismatch');
    }
    expect(problemOf('2026-05-19T10:00:00+05:00', 'Asia/Kolkata')).toMatchObject({ detail: expect.stringMatching(/its offset there is \+05:30$/) });
  });

  it('needs −02:30 or −03:30 in Newfoundland’s repeated hour (2026-11-01) and books each', () => {
    expect(problemOf('2026-11-01T01:30:00', 'America/St_Johns')).toMatchObject({ kind: 'ambiguous', offsets: ['-02:30', '-03:30'] });
    expect(instant('2026-11-01T01:30:00-02:30', 'America/St_Johns')).toBe('2026-11-01T04:00:00.000Z');
    expect(instant('2026-11-01T01:30:00-03:30', 'America/St_Johns')).toBe('2026-11-01T05:00:00.000Z');
  });
});

describe('resolveWallClock: Lord Howe’s 30-minute changes (next: 2027-04-04 back to 01:30, 2027-10-03 ahead to 02:30)', () => {
  it('refuses 02:00–02:29 on the spring-forward day and accepts the minutes either side', () => {
    for (const t of ['02:00', '02:15', '02:29']) expect(problemOf(`2027-10-03T${t}:00`, LORD_HOWE).kind, t).toBe('nonexistent');
    expect(instant('2027-10-03T01:59:00', LORD_HOWE)).toBe('2027-10-02T15:29:00.000Z');
    expect(instant('2027-10-03T02:30:00', LORD_HOWE)).toBe('2027-10-02T15:30:00.000Z');
  });

  it('asks for +11:00 or +10:30 in 01:30–01:59 on the fall-back day, and honours each', () => {
    expect(problemOf('2027-04-04T01:45:00', LORD_HOWE)).toMatchObject({ kind: 'ambiguous', offsets: ['+11:00', '+10:30'] });
    expect(instant('2027-04-04T01:45:00+11:00', LORD_HOWE)).toBe('2027-04-03T14:45:00.000Z');
    expect(instant('2027-04-04T01:45:00+10:30', LORD_HOWE)).toBe('2027-04-03T15:15:00.000Z');
    expect(problemOf('2027-04-04T01:45:00+10:00', LORD_HOWE).kind).toBe('offset_mismatch');
    expect(instant('2027-04-04T01:29:00', LORD_HOWE)).toBe('2027-04-03T14:29:00.000Z');
    expect(instant('2027-04-04T02:00:00', LORD_HOWE)).toBe('2027-04-03T15:30:00.000Z');
  });

  it('measures intervals across the changes in real time: 01:00–03:00 lasts 1½ h in spring and 2½ h in autumn', () => {
    const minutes = (from: string, to: string) => {
      const [a, b] = [resolveWallClock(from, LORD_HOWE), resolveWallClock(to, LORD_HOWE)];
      if (!a.ok || !b.ok) throw new Error('expected both to resolve');
      return (b.instant.toMillis() - a.instant.toMillis()) / 60_000;
    };
    expect(minutes('2027-10-03T01:00:00', '2027-10-03T03:00:00')).toBe(90);
    expect(minutes('2027-04-04T01:00:00', '2027-04-04T03:00:00')).toBe(150);
    expect(minutes('2027-04-04T01:45:00+11:00', '2027-04-04T01:45:00+10:30')).toBe(30);
  });

  it('prints the offset only inside the repeated half hour', () => {
    expect(toWallClock('2027-04-03T14:29:00Z', LORD_HOWE)).toBe('2027-04-04T01:29:00');
    expect(toWallClock('2027-04-03T14:45:00Z', LORD_HOWE)).toBe('2027-04-04T01:45:00+11:00');
    expect(toWallClock('2027-04-03T15:15:00Z', LORD_HOWE)).toBe('2027-04-04T01:45:00+10:30');
    expect(toWallClock('2027-04-03T15:30:00Z', LORD_HOWE)).toBe('2027-04-04T02:00:00');
  });
});

describe('time zones and stored instants', () => {
  it('knows IANA zones', () => {
    expect(isValidTimeZone('Australia/Lord_Howe')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('reads a stored instant as UTC whatever zone the process runs in, and refuses one that is not an instant', () => {
    const before = Settings.defaultZone;
    try {
      Settings.defaultZone = 'Asia/Tokyo';
      expect(toWallClock('2025-05-20T17:00:00', LA)).toBe('2025-05-20T10:00:00');
    } finally {
      Settings.defaultZone = before;
    }
    expect(() => toWallClock('not an instant', LA)).toThrow('invalid stored instant');
  });

  it('stores instants in one UTC form, without milliseconds', () => {
    expect(toUtcIso(DateTime.fromISO('2025-05-20T10:00:00.000-07:00') as DateTime<true>)).toBe('2025-05-20T17:00:00Z');
  });
});

describe('formatting wall-clock times', () => {
  it('prints plain local time, adding the offset only inside a repeated hour', () => {
    expect(toWallClock('2025-05-20T17:00:00Z', LA)).toBe('2025-05-20T10:00:00');
    expect(toWallClock('2026-11-01T08:30:00Z', LA)).toBe('2026-11-01T01:30:00-07:00');
    expect(toWallClock('2026-11-01T09:30:00Z', LA)).toBe('2026-11-01T01:30:00-08:00');
    expect(toWallClock('2026-11-01T10:30:00Z', LA)).toBe('2026-11-01T02:30:00');
  });

  it('round-trips every quarter hour across both daylight-saving days', () => {
    for (const day of ['2026-03-08', '2026-11-01']) {
      const start = Date.parse(`${day}T07:00:00Z`);
      for (let t = start; t < start + 26 * 3600_000; t += 15 * 60_000) {
        const local = toWallClock(new Date(t).toISOString(), LA);
        const back = resolveWallClock(local, LA);
        expect(back.ok && back.instant.toMillis(), local).toBe(t);
        expect(back.ok && formatWallClock(back.instant)).toBe(local);
      }
    }
  });
});
