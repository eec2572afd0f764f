/**
 * Time zones without luxon: zone names, the offset a zone has at an instant, the instant a zone's
 * wall clock names, and the wall-clock reading of an instant — all from the runtime's own copy of
 * the IANA database through `Intl.DateTimeFormat`.
 *
 * luxon used to do this and cost every function that bundled it ~70 KiB and ~25 ms of start-up. The
 * arithmetic below is luxon 3's, step for step (its `IANAZone.offset`, `fixOffset`, `tsToObj`,
 * `getPossibleOffsets`), so every instant, offset and skipped or repeated wall time comes out as it
 * did; test/unit/zoned-time.test.ts checks that against luxon across zones and centuries.
 */

/** An IANA zone this runtime knows: exactly luxon's IANAZone.isValidZone (Intl accepts it). */
export function isValidTimeZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format();
    return true;
  } catch {
    return false;
  }
}

/** One formatter per zone, made on first use (never at load); only zones Intl accepts are kept. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  let dtf = formatters.get(zone);
  if (dtf === undefined) {
    if (!isValidTimeZone(zone)) return undefined;
    dtf = new Intl.DateTimeFormat('en-US', {
      hourCycle: 'h23',
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    formatters.set(zone, dtf);
  }
  return dtf;
}

export type WallFields = { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number };

/** Epoch milliseconds of a wall reading taken as UTC (luxon's objToLocalTS: the years 0–99 are themselves). */
export function naiveMillis(f: WallFields): number {
  let ms = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.millisecond);
  if (f.year < 100 && f.year >= 0) ms = new Date(ms).setUTCFullYear(f.year, f.month - 1, f.day);
  return ms;
}

/**
 * Minutes east of UTC in force in `zone` at `epochMs`: NaN for a zone Intl does not know or an
 * instant outside the Date range. Whole seconds only, as luxon reads it, so the local mean time of
 * the 1800s gives fractions of a minute (Los Angeles: −7:52:58 = −472.97).
 */
export function offsetAt(epochMs: number, zone: string): number {
  const dtf = formatterFor(zone);
  const date = new Date(epochMs);
  if (!dtf || Number.isNaN(date.getTime())) return NaN;
  let year = NaN, month = NaN, day = NaN, hour = NaN, minute = NaN, second = NaN, bc = false;
  for (const { type, value } of dtf.formatToParts(date)) {
    if (type === 'era') bc = value === 'BC';
    else if (type === 'year') year = parseInt(value, 10);
    else if (type === 'month') month = parseInt(value, 10);
    else if (type === 'day') day = parseInt(value, 10);
    else if (type === 'hour') hour = parseInt(value, 10);
    else if (type === 'minute') minute = parseInt(value, 10);
    else if (type === 'second') second = parseInt(value, 10);
  }
  if (bc) year = -Math.abs(year) + 1;
  const asUtc = naiveMillis({ year, month, day, hour: hour === 24 ? 0 : hour, minute, second, millisecond: 0 });
  let asTs = date.getTime();
  const over = asTs % 1000;
  asTs -= over >= 0 ? over : 1000 + over;
  return (asUtc - asTs) / (60 * 1000);
}

/**
 * An instant and its wall-clock reading in a zone (what a luxon DateTime was to this code). Invalid,
 * with NaN fields, when the zone is unknown or the instant out of range.
 */
export class ZonedTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;

  constructor(
    /** Epoch milliseconds (fractional only for the local mean time of the 1800s, as in luxon). */
    readonly epochMs: number,
    readonly zone: string,
    /** Minutes east of UTC the reading is taken at. */
    readonly offset: number = offsetAt(epochMs, zone),
  ) {
    // The arithmetic of luxon's tsToObj, rounding included.
    const d = new Date(epochMs + offset * 60 * 1000);
    this.year = d.getUTCFullYear();
    this.month = d.getUTCMonth() + 1;
    this.day = d.getUTCDate();
    this.hour = d.getUTCHours();
    this.minute = d.getUTCMinutes();
    this.second = d.getUTCSeconds();
    this.millisecond = d.getUTCMilliseconds();
    if (Number.isNaN(this.year)) this.offset = NaN;
  }

  get isValid(): boolean {
    return !Number.isNaN(this.year);
  }

  toMillis(): number {
    return this.isValid ? this.epochMs : NaN;
  }
}

/** The wall-clock reading of an instant in a zone. */
export function zonedAt(epochMs: number, zone: string): ZonedTime {
  return new ZonedTime(epochMs, zone);
}

/**
 * The instant a wall reading names in a zone, as luxon's DateTime.fromObject finds it: starting from
 * the offset in force now, one correction, and for a skipped time (spring forward) the reading moved
 * on by the gap (02:30 → 03:30). A repeated time gets whichever reading that search meets first: ask
 * `possibleReadings` for both. Undefined for an impossible date or time (24:00 is the next midnight).
 */
export function fromWallFields(f: WallFields, zone: string): ZonedTime | undefined {
  if (!formatterFor(zone) || !validWallFields(f)) return undefined;
  const local = naiveMillis(f);
  const o = offsetAt(Date.now(), zone);
  let utcGuess = local - o * 60 * 1000;
  const o2 = offsetAt(utcGuess, zone);
  let found: [number, number];
  if (o === o2) found = [utcGuess, o];
  else {
    utcGuess -= (o2 - o) * 60 * 1000;
    const o3 = offsetAt(utcGuess, zone);
    found = o2 === o3 ? [utcGuess, o2] : [local - Math.min(o2, o3) * 60 * 1000, Math.max(o2, o3)];
  }
  const zoned = new ZonedTime(found[0], zone, found[1]);
  return zoned.isValid ? zoned : undefined;
}

const isLeapYear = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

const between = (n: number, lo: number, hi: number) => Number.isInteger(n) && n >= lo && n <= hi;

/** A real date and time of day (24:00 allowed, as the next day's midnight), as luxon checks one. */
export function validWallFields(f: WallFields): boolean {
  return (
    Number.isInteger(f.year) &&
    between(f.month, 1, 12) &&
    between(f.day, 1, daysInMonth(f.year, f.month)) &&
    (between(f.hour, 0, 23) || (f.hour === 24 && f.minute === 0 && f.second === 0 && f.millisecond === 0)) &&
    between(f.minute, 0, 59) &&
    between(f.second, 0, 59) &&
    between(f.millisecond, 0, 999)
  );
}

/**
 * Every reading of the wall time `zoned` shows: two inside the repeated stretch of a fall-back day
 * (earlier offset first), else just `zoned` (luxon's getPossibleOffsets).
 */
export function possibleReadings(zoned: ZonedTime): ZonedTime[] {
  if (!zoned.isValid) return [zoned];
  const dayMs = 86400000;
  const minuteMs = 60000;
  const local = naiveMillis(zoned);
  const { zone } = zoned;
  const oEarlier = offsetAt(local - dayMs, zone);
  const oLater = offsetAt(local + dayMs, zone);
  const o1 = offsetAt(local - oEarlier * minuteMs, zone);
  const o2 = offsetAt(local - oLater * minuteMs, zone);
  if (o1 === o2) return [zoned];
  const ts1 = local - o1 * minuteMs;
  const ts2 = local - o2 * minuteMs;
  const c1 = new ZonedTime(ts1, zone, o1);
  const c2 = new ZonedTime(ts2, zone, o2);
  // Compared by time of day only, not date, as luxon compares them.
  if (c1.hour === c2.hour && c1.minute === c2.minute && c1.second === c2.second && c1.millisecond === c2.millisecond) {
    return [new ZonedTime(ts1, zone), new ZonedTime(ts2, zone)];
  }
  return [zoned];
}

/** luxon's padStart: at least `n` digits, a minus sign in front of them. */
export function pad(n: number, width = 2): string {
  return n < 0 ? '-' + String(-n).padStart(width, '0') : String(n).padStart(width, '0');
}

/** `±HH:mm`, as luxon's formatOffset 'short' writes an offset in minutes (fractions truncated). */
export function formatOffset(offset: number): string {
  const hours = Math.trunc(Math.abs(offset / 60));
  const minutes = Math.trunc(Math.abs(offset % 60));
  return `${offset >= 0 ? '+' : '-'}${pad(hours)}:${pad(minutes)}`;
}
