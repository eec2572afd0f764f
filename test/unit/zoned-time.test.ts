/**
 * The luxon-free time-zone code against luxon, the library it replaced: offsets, wall-clock readings,
 * local → UTC and UTC → local conversions must come out exactly as they did — the same instants, the
 * same text, the same refusals of skipped and repeated times — across zones with odd rules and at
 * random instants, many of them within hours of a daylight-saving or zone change.
 *
 * The oracle is the luxon-based code as it was (test/helpers/luxon-reference/), run side by side.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { offsetAt, possibleReadings, zonedAt } from '#shared/time/zones.ts';
import { formatWallClock, resolveWallClock, toUtcIso, toWallClock, type WallClockResult } from '#shared/time/wall-clock.ts';
import { addDays, dateAt, instantOfLocalTime, wallMinute } from '#shared/time/local-day.ts';
import * as reference from '../helpers/luxon-reference/wall-clock.ts';
import * as referenceDay from '../helpers/luxon-reference/local-day.ts';

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe', // 30-minute daylight saving
  'Pacific/Chatham', // +12:45 / +13:45
  'America/Santiago', // southern, rules changed often
  'Asia/Kolkata', // +05:30, no daylight saving since 1945
  'Pacific/Apia', // skipped 2011-12-30 whole
  'Africa/Casablanca', // daylight saving suspended each Ramadan; now +01 with a yearly hour back
  'UTC',
  'America/Los_Angeles',
  'America/St_Johns', // −03:30 / −02:30
  'Asia/Kathmandu', // +05:45
  'Europe/Dublin', // "negative" daylight saving in the tz data
  'Antarctica/Troll', // two-hour daylight saving
  'Pacific/Kiritimati', // +14, skipped a day in 1994
  'Etc/GMT+5',
];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SCAN_FROM = Date.UTC(1890, 0, 1);
const SCAN_TO = Date.UTC(2050, 0, 1);

/** Every instant from 1890 to 2050 at which a zone's offset changes (luxon's offsets, to the millisecond). */
const transitions = new Map<string, number[]>();

beforeAll(() => {
  for (const zone of ZONES) {
    const z = IANAZone.create(zone);
    const found: number[] = [];
    for (let t = SCAN_FROM; t < SCAN_TO; t += 7 * DAY) {
      if (z.offset(t) === z.offset(t + 7 * DAY)) continue;
      let [lo, hi] = [t, t + 7 * DAY];
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (z.offset(mid) === z.offset(lo)) lo = mid;
        else hi = mid;
      }
      found.push(hi);
    }
    transitions.set(zone, found.length > 0 ? found : [Date.UTC(2026, 0, 1)]);
  }
  // The scan must have found the changes the rest relies on (else the properties would test little).
  expect(transitions.get('America/New_York')!.length).toBeGreaterThan(250);
  expect(transitions.get('Pacific/Apia')).toContain(Date.UTC(2011, 11, 30, 10));
  expect(transitions.get('Australia/Lord_Howe')!.length).toBeGreaterThan(80);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const zone = fc.constantFrom(...ZONES);

/** An instant in `zone`: within a few hours of one of its changes, anywhere in 1800–2300, or anywhere `Date` reaches. */
const instantIn = (z: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.nat(), fc.integer({ min: -3 * HOUR, max: 3 * HOUR }), fc.constantFrom(1, 1000, 60_000, 15 * 60_000)).map(([i, d, unit]) => {
      const list = transitions.get(z)!;
      return list[i % list.length]! + Math.trunc(d / unit) * unit;
    }) },
    { weight: 3, arbitrary: fc.integer({ min: Date.UTC(1800, 0, 1), max: Date.UTC(2300, 0, 1) }) },
    { weight: 1, arbitrary: fc.integer({ min: -8.64e15, max: 8.64e15 }) },
  );

const zonedInstant = zone.chain((z) => instantIn(z).map((t) => ({ zone: z, t })));

/** Two-digit padding, and four digits for a year. */
const p2 = (n: number) => String(n).padStart(2, '0');
const p4 = (n: number) => String(n).padStart(4, '0');

/** An offset as an API text carries it: `Z` or `±HH:mm`. */
const offsetSuffix = (minutes: number) => {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
};

/**
 * A wall-clock text as a booking request carries it, in `zone` near one of its changes (so skipped
 * and repeated times come up often) or anywhere from 1000 to 9999; to the minute, second or
 * millisecond; with no offset, `Z`, one of the zone's offsets around that time or any offset. Some
 * fields run out of range (day 31 of every month, hour 24, minute 60): those must be refused alike.
 */
const wallText = (z: string) =>
  fc
    .record({
      base: fc.oneof(
        { weight: 4, arbitrary: instantIn(z).filter((t) => t > Date.UTC(1000, 0, 2) && t < Date.UTC(9999, 11, 30)) },
        { weight: 1, arbitrary: fc.integer({ min: Date.UTC(1000, 0, 2), max: Date.UTC(9999, 11, 30) }) },
      ),
      shiftMinutes: fc.integer({ min: -180, max: 180 }),
      precision: fc.constantFrom('minute', 'second', 'ms1', 'ms2', 'ms3'),
      second: fc.integer({ min: 0, max: 59 }),
      ms: fc.integer({ min: 0, max: 999 }),
      suffix: fc.constantFrom('none', 'none', 'Z', 'before', 'after', 'any'),
      anyOffset: fc.integer({ min: -15 * 60, max: 15 * 60 }),
      oddField: fc.option(fc.constantFrom('day31', 'hour24', 'minute60', 'second60', 'feb29', 'month13'), { freq: 8 }),
    })
    .map(({ base, shiftMinutes, precision, second, ms, suffix, anyOffset, oddField }) => {
      const wall = DateTime.fromMillis(base, { zone: z }).plus({ minutes: shiftMinutes });
      const y = wall.year;
      let [mo, d, h, mi, s] = [wall.month, wall.day, wall.hour, wall.minute, second];
      if (oddField === 'day31') d = 31;
      if (oddField === 'hour24') [h, mi, s] = [24, 0, 0];
      if (oddField === 'minute60') mi = 60;
      if (oddField === 'second60') s = 60;
      if (oddField === 'feb29') [mo, d] = [2, 29];
      if (oddField === 'month13') mo = 13;
      let text = `${p4(y)}-${p2(mo)}-${p2(d)}T${p2(h)}:${p2(mi)}`;
      if (precision !== 'minute') text += `:${p2(s)}`;
      if (precision.startsWith('ms')) text += `.${String(ms).padStart(3, '0').slice(0, Number(precision.slice(2)))}`;
      const zz = IANAZone.create(z);
      if (suffix === 'Z') text += 'Z';
      if (suffix === 'before') text += offsetSuffix(zz.offset(base - DAY));
      if (suffix === 'after') text += offsetSuffix(zz.offset(base + DAY));
      if (suffix === 'any') text += offsetSuffix(anyOffset);
      return text;
    });

/** `now`, which luxon took its first guess of the offset from (and so does the new code). */
const now = fc.oneof(fc.constant(undefined), fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) }));

function atNow<T>(ms: number | undefined, fn: () => T): T {
  if (ms === undefined) return fn();
  const spy = vi.spyOn(Date, 'now').mockReturnValue(ms);
  try {
    return fn();
  } finally {
    spy.mockRestore();
  }
}

type Resolved = ReturnType<typeof reference.resolveWallClock>;

/** A result in plain values: the instant as epoch milliseconds and offset, the text, the problem. */
function plain(r: WallClockResult | Resolved) {
  if (!r.ok) return { ok: false, problem: r.problem };
  return { ok: true, ms: r.instant.toMillis(), offset: r.instant.offset, local: r.local };
}

/** What a function returns, or the message it throws. */
function outcome<T>(fn: () => T): { value: T } | { error: string } {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const RUNS = { numRuns: 1000 };

describe('zone offsets and wall-clock readings match luxon', () => {
  it("offsetAt is luxon's IANAZone.offset, to the fraction of a minute (local mean time of the 1800s)", () => {
    fc.assert(
      fc.property(zonedInstant, ({ zone: z, t }) => {
        expect(offsetAt(t, z)).toBe(IANAZone.create(z).offset(t));
      }),
      RUNS,
    );
    expect(offsetAt(Date.UTC(1850, 0, 1), 'America/Los_Angeles')).toBe(IANAZone.create('America/Los_Angeles').offset(Date.UTC(1850, 0, 1)));
    expect(Number.isInteger(offsetAt(Date.UTC(1850, 0, 1), 'America/Los_Angeles'))).toBe(false);
    expect(offsetAt(0, 'Mars/Olympus_Mons')).toBeNaN();
    expect(offsetAt(8.64e15 + 1, 'UTC')).toBeNaN();
  });

  it('zonedAt reads the same wall clock, offset and repeated-time readings as DateTime.fromMillis', () => {
    fc.assert(
      fc.property(zonedInstant, ({ zone: z, t }) => {
        const mine = zonedAt(t, z);
        const theirs = DateTime.fromMillis(t, { zone: z });
        const fields = (x: { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number; offset: number }) =>
          [x.year, x.month, x.day, x.hour, x.minute, x.second, x.millisecond, x.offset];
        expect(fields(mine)).toEqual(fields(theirs));
        expect(mine.toMillis()).toBe(theirs.toMillis());
        expect(possibleReadings(mine).map((c) => [c.toMillis(), c.offset])).toEqual(theirs.getPossibleOffsets().map((c) => [c.toMillis(), c.offset]));
      }),
      RUNS,
    );
  });
});

describe('UTC → local matches luxon', () => {
  it('formatWallClock, wallMinute and the local date of an instant', () => {
    fc.assert(
      fc.property(zonedInstant, ({ zone: z, t }) => {
        const theirs = DateTime.fromMillis(t, { zone: z });
        expect(formatWallClock(zonedAt(t, z))).toBe(reference.formatWallClock(theirs as DateTime<true>));
        expect(wallMinute(t, z)).toBe(referenceDay.wallMinute(t, z));
        expect(dateAt(t, z)).toBe(theirs.toISODate());
      }),
      RUNS,
    );
  });

  it('toWallClock reads stored instants in every ISO form luxon read them, and refuses the same others', () => {
    const isoText = zonedInstant.chain(({ zone: z, t }) =>
      fc
        .constantFrom(
          () => toUtcIso(t),
          () => new Date(t).toISOString(),
          () => DateTime.fromMillis(t, { zone: z }).toISO(),
          () => DateTime.fromMillis(t, { zone: 'Asia/Kathmandu' }).toISO({ suppressMilliseconds: true }),
          () => DateTime.fromMillis(t, { zone: z }).toISO({ format: 'basic' }),
          () => DateTime.fromMillis(t, { zone: 'UTC' }).toFormat("yyyy-LL-dd'T'HH:mm"),
          () => DateTime.fromMillis(t, { zone: 'UTC' }).toFormat("yyyy-LL-dd'T'HH"),
          () => DateTime.fromMillis(t, { zone: 'UTC' }).toFormat('yyyy-LL-dd'),
          () => DateTime.fromMillis(t, { zone: 'UTC' }).toFormat("yyyy-LL-dd'T'HH:mm:ss,SSS'000z'"),
          () => `${DateTime.fromMillis(t, { zone: 'UTC' }).toFormat("yyyy-LL-dd'T'HH:mm:ss")}[${z}]`,
          () => DateTime.fromMillis(t, { zone: 'UTC' }).toFormat("yyyy-LL-dd'T'HH:mm:ss-00:30"),
          () => DateTime.fromMillis(t, { zone: 'UTC' }).toFormat("yyyy-LL-dd'T'24:00:00'Z'"),
          () => DateTime.fromMillis(t, { zone: 'UTC' }).toFormat("yyyy-LL-31'T'HH:mm:ss'Z'"),
          () => `${new Date(t).toISOString()} `,
        )
        .map((make) => ({ zone: z, text: make() ?? 'null' })),
    );
    fc.assert(
      fc.property(isoText, ({ zone: z, text }) => {
        expect(outcome(() => toWallClock(text, z)), text).toEqual(outcome(() => reference.toWallClock(text, z)));
      }),
      RUNS,
    );
    for (const text of ['not an instant', '', '2025-05-20T17:00:00+2', '2025-05-20 17:00:00Z', '2025-05-20T17:00:00.Z']) {
      expect(() => toWallClock(text, 'America/Los_Angeles'), text).toThrow('invalid stored instant');
      expect(() => reference.toWallClock(text, 'America/Los_Angeles'), text).toThrow('invalid stored instant');
    }
    // luxon also read week dates, ordinal dates and bare times (of today); nothing stores those, and
    // they are refused now rather than read.
    for (const text of ['2025-W21-2T17:00:00Z', '2025-140T17:00:00Z', 'T17:00']) {
      expect(() => toWallClock(text, 'America/Los_Angeles'), text).toThrow('invalid stored instant');
    }
    expect(() => toWallClock('2025-05-20T17:00:00Z', 'Mars/Olympus_Mons')).toThrow('invalid stored instant');
  });

  it('toUtcIso writes the stored UTC form, the year as luxon padded it', () => {
    fc.assert(
      fc.property(zonedInstant, ({ t }) => {
        expect(toUtcIso(t)).toBe(reference.toUtcIso(DateTime.fromMillis(t) as DateTime<true>));
        expect(toUtcIso(zonedAt(t, 'Asia/Kolkata'))).toBe(reference.toUtcIso(DateTime.fromMillis(t, { zone: 'Asia/Kolkata' }) as DateTime<true>));
      }),
      RUNS,
    );
  });
});

describe('local → UTC matches luxon', () => {
  it('resolveWallClock gives the same instant, the same refusals and the same words, whatever the date now', () => {
    const input = fc.record({ zone, now }).chain(({ zone: z, now: n }) => wallText(z).map((text) => ({ zone: z, now: n, text })));
    fc.assert(
      fc.property(input, ({ zone: z, now: n, text }) => {
        const mine = atNow(n, () => plain(resolveWallClock(text, z)));
        const theirs = atNow(n, () => plain(reference.resolveWallClock(text, z)));
        expect(mine, `${text} in ${z}`).toEqual(theirs);
      }),
      { numRuns: 2500 },
    );
  });

  it('resolveWallClock: every 10 minutes of the day of each change, in every zone, 2005–2030', { timeout: 120_000 }, () => {
    let checked = 0;
    for (const z of ZONES) {
      for (const t of transitions.get(z)!.filter((x) => x > Date.UTC(2005, 0, 1) && x < Date.UTC(2030, 0, 1)).slice(0, 4)) {
        const start = DateTime.fromMillis(t, { zone: z }).startOf('day');
        for (let m = 0; m < 24 * 60; m += 10) {
          const text = start.plus({ minutes: m }).toFormat("yyyy-LL-dd'T'HH:mm");
          expect(plain(resolveWallClock(text, z)), `${text} in ${z}`).toEqual(plain(reference.resolveWallClock(text, z)));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(6_000);
  });

  it('instantOfLocalTime maps every time of day, skipped and repeated ones too, as before', () => {
    const input = zonedInstant.filter(({ t }) => t > Date.UTC(1000, 0, 2) && t < Date.UTC(9999, 11, 30)).chain(({ zone: z, t }) =>
      fc.record({ dayShift: fc.integer({ min: -1, max: 1 }), minutes: fc.integer({ min: 0, max: 24 * 60 }) }).map(({ dayShift, minutes }) => ({
        zone: z,
        date: addDays(new Date(t).toISOString().slice(0, -'T00:00:00.000Z'.length), dayShift),
        time: `${p2(Math.floor(minutes / 60))}:${p2(minutes % 60)}`,
      })),
    );
    fc.assert(
      fc.property(input, ({ zone: z, date, time }) => {
        expect(instantOfLocalTime(date, time, z), `${date}T${time} in ${z}`).toBe(referenceDay.instantOfLocalTime(date, time, z));
      }),
      RUNS,
    );
  });

  it('the day before a date and the widened UTC range of a date range, as luxon counted them', async () => {
    // appointment-views makes the DynamoDB client at load (no request): it needs a table name.
    vi.stubEnv('TABLE_NAME', 'unit-test');
    const { widenedUtcRange } = await import('#shared/domain/appointment-views.ts');
    vi.unstubAllEnvs();
    const date = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 11, 31) }).map((t) => new Date(t).toISOString().slice(0, 10));
    fc.assert(
      fc.property(date, date, (from, to) => {
        expect(addDays(from, -1)).toBe(DateTime.fromISO(from, { zone: 'utc' }).minus({ days: 1 }).toISODate());
        // The luxon lines widenedUtcRange was written with.
        const luxonFrom = DateTime.fromISO(from, { zone: 'utc' }).minus({ hours: 14 }) as DateTime<true>;
        const luxonTo = DateTime.fromISO(to, { zone: 'utc' }).plus({ days: 1, hours: 14 }) as DateTime<true>;
        expect(widenedUtcRange(from, to)).toEqual({ from: reference.toUtcIso(luxonFrom), to: reference.toUtcIso(luxonTo) });
      }),
      RUNS,
    );
  });
});
