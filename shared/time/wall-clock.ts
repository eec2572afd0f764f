/**
 * Wall-clock times of a location, and the UTC instants behind them.
 *
 * The public API speaks in the location's local time (`2025-05-20T10:00:00`), as the booking guide
 * does; storage and slot locks speak in UTC instants. Everything that crosses that line goes through
 * here so daylight-saving rules live in one place (and in the runtime's copy of the IANA database,
 * read through Intl in ./zones.ts, not in hand arithmetic).
 */
import { formatOffset, fromWallFields, naiveMillis, offsetAt, pad, possibleReadings, validWallFields, ZonedTime } from './zones.ts';

/** `YYYY-MM-DDTHH:mm[:ss[.SSS]]` with an optional `Z` or `±HH:mm` offset (minutes too: +05:30, +05:45). */
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:(Z)|([+-])(\d{2}):([0-5]\d))?$/;

export type WallClockProblem =
  | { kind: 'malformed' }
  | { kind: 'nonexistent'; detail: string }
  | { kind: 'ambiguous'; detail: string; offsets: string[] }
  | { kind: 'offset_mismatch'; detail: string };

export type WallClockResult =
  | { ok: true; instant: ZonedTime; local: string }
  | { ok: false; problem: WallClockProblem };

export { isValidTimeZone, ZonedTime } from './zones.ts';

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
  const dt = fromWallFields(fields, zone);
  if (!dt) return { ok: false, problem: { kind: 'malformed' } };
  // A skipped wall time comes back moved forward by the gap (02:30 → 03:30), so it no longer reads as
  // written; so does 24:00, which is the next day's 00:00.
  if (wallText(dt, false) !== wall) {
    return {
      ok: false,
      problem: { kind: 'nonexistent', detail: `${text.slice(0, 19)} does not exist in ${zone}: the clocks skip it (daylight-saving change)` },
    };
  }
  const candidates = possibleReadings(dt);
  if (offset !== undefined) {
    const match = candidates.find((c) => c.offset === offset);
    if (!match) {
      return {
        ok: false,
        problem: {
          kind: 'offset_mismatch',
          detail: `${text} is not a time in ${zone}: its offset there is ${candidates.map(offsetText).join(' or ')}`,
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
        detail: `${text} happens twice in ${zone} (daylight-saving change); add the offset, e.g. ${candidates.map((c) => wallText(c) + offsetText(c)).join(' or ')}`,
        offsets: candidates.map(offsetText),
      },
    };
  }
  return { ok: true, instant: dt, local: formatWallClock(dt) };
}

/** What luxon printed for an invalid time, kept so nothing prints differently. */
const INVALID = 'Invalid DateTime';

/** `YYYY-MM-DDTHH:mm:ss` (or to the minute) on the zone's clock, the year padded as luxon's `yyyy` pads it. */
function wallText(t: ZonedTime, seconds = true): string {
  if (!t.isValid) return INVALID;
  const minute = `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}`;
  return seconds ? `${minute}:${pad(t.second)}` : minute;
}

/** `±HH:mm`: the zone's offset at the instant (luxon's `ZZ`). */
function offsetText(t: ZonedTime): string {
  return t.isValid ? formatOffset(offsetAt(t.epochMs, t.zone)) : INVALID;
}

/**
 * The wall-clock form the API answers with: `YYYY-MM-DDTHH:mm:ss`, plus the offset only when the
 * wall time alone would be ambiguous (the repeated hour of a fall-back day), so every time we print
 * names exactly one instant.
 */
export function formatWallClock(instant: ZonedTime): string {
  const wall = wallText(instant);
  const repeated = possibleReadings(instant).length > 1;
  return repeated ? `${wall}${offsetText(instant)}` : wall;
}

/**
 * ISO 8601 calendar date-times as luxon's DateTime.fromISO reads them: separators optional, a time
 * to the hour, minute or second with up to 30 fraction digits, an offset (`Z`, `±HH`, `±HH:mm`,
 * `±HHmm`) and/or a bracketed zone name (which wins over the offset). luxon's week dates, ordinal
 * dates and bare times are not read: nothing stores them.
 */
const ISO_INSTANT =
  /^([+-]\d{6}|\d{4})(?:-?(\d\d)(?:-?(\d\d))?)?(?:[Tt](\d\d)(?::?(\d\d)(?::?(\d\d)(?:[.,](\d{1,30}))?)?)?(?:(?:([Zz])|([+-]\d\d)(?::?(\d\d))?)?(?:\[([A-Za-z_+-]{1,256}(?::?\/[A-Za-z0-9_+-]{1,256}(?:\/[A-Za-z0-9_+-]{1,256})?)?)\])?)?)?$/;

/** luxon's signedOffset: `-00:30` is half an hour west. */
function signedOffset(hours: string | undefined, minutes: string | undefined): number {
  let h = parseInt(hours ?? '', 10);
  if (Number.isNaN(h)) h = 0;
  const m = parseInt(minutes ?? '', 10) || 0;
  return h * 60 + (h < 0 || Object.is(h, -0) ? -m : m);
}

/** The epoch milliseconds an ISO text names, a text without offset or zone read as UTC; NaN if none. */
function parseInstant(text: string): number {
  const m = ISO_INSTANT.exec(text);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s, frac, zulu, oh, om, iana] = m;
  const int = (v: string | undefined, fallback: number) => (v === undefined ? fallback : parseInt(v, 10));
  const fields = {
    year: int(y, NaN),
    month: int(mo, 1),
    day: int(d, 1),
    hour: int(h, 0),
    minute: int(mi, 0),
    second: int(s, 0),
    millisecond: frac === undefined ? 0 : Math.floor(parseFloat('0.' + frac) * 1000),
  };
  if (iana) return fromWallFields(fields, iana)?.toMillis() ?? NaN;
  // A fixed offset (UTC when none is written): one reading, never skipped or repeated.
  const offset = zulu || oh ? signedOffset(oh, om) : 0;
  return validWallFields(fields) ? naiveMillis(fields) - offset * 60 * 1000 : NaN;
}

/** An instant from its UTC ISO form, shown as wall-clock time in `zone`. */
export function toWallClock(utcIso: string, zone: string): string {
  const dt = new ZonedTime(parseInstant(utcIso), zone);
  if (!dt.isValid) throw new Error('invalid stored instant');
  return formatWallClock(dt);
}

/** `2025-05-20T17:00:00Z`: the one UTC form stored and used in keys (of an instant or epoch milliseconds). */
export function toUtcIso(instant: number | { toMillis(): number }): string {
  const ms = typeof instant === 'number' ? instant : instant.toMillis();
  const utc = new ZonedTime(ms, 'UTC', 0);
  return utc.isValid ? `${wallText(utc)}Z` : INVALID;
}
