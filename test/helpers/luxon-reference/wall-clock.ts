// The luxon-based shared/time/wall-clock.ts as of commit e74b545, verbatim apart from import paths: the
// oracle that test/unit/zoned-time.test.ts holds the luxon-free module to. Not production code.
/**
 * Wall-clock times of a location, and the UTC instants behind them.
 *
 * The public API speaks in the location's local time (`2025-05-20T10:00:00`), as the booking guide
 * does; storage and slot locks speak in UTC instants. Everything that crosses that line goes through
 * here so daylight-saving rules live in one place (and in luxon's copy of the IANA database, not in
 * hand arithmetic).
 */
import { DateTime } from 'luxon';

/** `YYYY-MM-DDTHH:mm[:ss[.SSS]]` with an optional `Z` or `±HH:mm` offset (minutes too: +05:30, +05:45). */
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:(Z)|([+-])(\d{2}):([0-5]\d))?$/;

export type WallClockProblem =
  | { kind: 'malformed' }
  | { kind: 'nonexistent'; detail: string }
  | { kind: 'ambiguous'; detail: string; offsets: string[] }
  | { kind: 'offset_mismatch'; detail: string };

export type WallClockResult =
  | { ok: true; instant: DateTime<true>; local: string }
  | { ok: false; problem: WallClockProblem };

export { isValidTimeZone } from '#shared/time/zones.ts';

function fieldsOf(text: string) {
  const m = LOCAL_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms, zulu, sign, oh, om] = m;
  return {
    /** `YYYY-MM-DDTHH:mm` as written, to compare with what the zone makes of it. */
    wall: text.slice(0, 16),
    fields: {
      year: Number(y),
      month: Number(mo),
      day: Number(d),
      hour: Number(h),
      minute: Number(mi),
      second: Number(s ?? 0),
      millisecond: Number((ms ?? '').padEnd(3, '0')),
    },
    /** Minutes east of UTC the text names, if any. */
    offset: zulu ? 0 : sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : undefined,
  };
}

/**
 * Resolves a wall-clock time in `zone` to one instant.
 *
 * - A time that the zone skips (spring forward) is `nonexistent`.
 * - A time that the zone repeats (fall back) is `ambiguous` unless the text carries the offset that
 *   picks one of the two.
 * - An explicit offset must be one the zone really has at that wall time.
 */
export function resolveWallClock(text: string, zone: string): WallClockResult {
  const parsed = fieldsOf(text);
  if (!parsed) return { ok: false, problem: { kind: 'malformed' } };
  const { wall, fields, offset } = parsed;
  const dt = DateTime.fromObject(fields, { zone });
  if (!dt.isValid) return { ok: false, problem: { kind: 'malformed' } };
  // luxon moves a skipped wall time forward by the gap (02:30 → 03:30), so it no longer reads as written.
  if (dt.toFormat("yyyy-LL-dd'T'HH:mm") !== wall) {
    return {
      ok: false,
      problem: { kind: 'nonexistent', detail: `${text.slice(0, 19)} does not exist in ${zone}: the clocks skip it (daylight-saving change)` },
    };
  }
  const candidates = dt.getPossibleOffsets();
  if (offset !== undefined) {
    const match = candidates.find((c) => c.offset === offset);
    if (!match) {
      return {
        ok: false,
        problem: {
          kind: 'offset_mismatch',
          detail: `${text} is not a time in ${zone}: its offset there is ${candidates.map((c) => c.toFormat('ZZ')).join(' or ')}`,
        },
      };
    }
    return { ok: true, instant: match, local: formatWallClock(match) };
  }
  if (candidates.length > 1) {
    return {
      ok: false,
      problem: {
        kind: 'ambiguous',
        detail: `${text} happens twice in ${zone} (daylight-saving change); add the offset, e.g. ${candidates.map((c) => c.toFormat("yyyy-LL-dd'T'HH:mm:ssZZ")).join(' or ')}`,
        offsets: candidates.map((c) => c.toFormat('ZZ')),
      },
    };
  }
  return { ok: true, instant: dt, local: formatWallClock(dt) };
}

/**
 * The wall-clock form the API answers with: `YYYY-MM-DDTHH:mm:ss`, plus the offset only when the
 * wall time alone would be ambiguous (the repeated hour of a fall-back day), so every time we print
 * names exactly one instant.
 */
export function formatWallClock(instant: DateTime<true>): string {
  const wall = instant.toFormat("yyyy-LL-dd'T'HH:mm:ss");
  const repeated = instant.getPossibleOffsets().length > 1;
  return repeated ? `${wall}${instant.toFormat('ZZ')}` : wall;
}

/** An instant from its UTC ISO form, shown as wall-clock time in `zone`. */
export function toWallClock(utcIso: string, zone: string): string {
  const dt = DateTime.fromISO(utcIso, { zone: 'utc' }).setZone(zone);
  if (!dt.isValid) throw new Error('invalid stored instant');
  return formatWallClock(dt);
}

/** `2025-05-20T17:00:00Z`: the one UTC form stored and used in keys. */
export function toUtcIso(instant: DateTime<true>): string {
  return instant.toUTC().toFormat("yyyy-LL-dd'T'HH:mm:ss'Z'");
}
