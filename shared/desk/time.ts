/**
 * Wall-clock times at the location, whatever the browser's own time zone.
 *
 * The API gives `scheduled_start` as the location's local time (`2027-05-20T10:00:00`, an offset
 * only inside a repeated fall-back hour) plus `time_zone`. The desk shows those strings as they are
 * and does date arithmetic on calendar dates through UTC fields only, so neither the browser's zone
 * nor its daylight-saving days can shift a time. The one place a real instant is needed (what time
 * is it now at the location) goes through Intl with the location's zone.
 */

/** `2027-05-20T10:00:00-07:00` → `2027-05-20T10:00:00`: the wall clock, without the disambiguating offset. */
export function wall(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?/.exec(value);
  return m ? `${m[1]}${m[2] ?? ':00'}` : value;
}

export function datePart(value: string): string {
  return value.slice(0, 10);
}

/** `HH:MM` of a wall-clock string. */
export function hhmm(value: string): string {
  return wall(value).slice(11, 16);
}

function utcDate(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A Date whose UTC fields are a wall clock → `YYYY-MM-DDTHH:MM:SS`. */
export function fromUtcFields(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00`;
}

export function addDays(date: string, days: number): string {
  const d = utcDate(date);
  d.setUTCDate(d.getUTCDate() + days);
  return fromUtcFields(d).slice(0, 10);
}

/** Add minutes to a wall-clock string, on the wall clock (the API refuses a time that does not exist). */
export function addMinutes(value: string, minutes: number): string {
  const w = wall(value);
  const d = new Date(Date.UTC(+w.slice(0, 4), +w.slice(5, 7) - 1, +w.slice(8, 10), +w.slice(11, 13), +w.slice(14, 16)));
  return fromUtcFields(new Date(d.getTime() + minutes * 60_000));
}

export function minutesBetween(start: string, end: string): number {
  const a = Date.parse(`${wall(start)}Z`);
  const b = Date.parse(`${wall(end)}Z`);
  return Math.round((b - a) / 60_000);
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export function weekdayOf(date: string): (typeof WEEKDAYS)[number] {
  return WEEKDAYS[utcDate(date).getUTCDay()] ?? 'monday';
}

/** Monday of the week holding `date`. */
export function mondayOf(date: string): string {
  const day = utcDate(date).getUTCDay();
  return addDays(date, -((day + 6) % 7));
}

/** `Thursday 20 May 2027`, formatted from the date's own fields. */
export function longDate(date: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(utcDate(date));
}

export function shortDate(date: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(utcDate(date));
}

/** The wall clock at the location at `instant` (now by default): `YYYY-MM-DDTHH:MM:00`. */
export function locationNow(timeZone: string, instant: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:00`;
}

/** The location's UTC offset at `instant` in minutes (Los Angeles in summer: -420). */
export function offsetMinutes(timeZone: string, instant: Date = new Date()): number {
  const local = Date.parse(`${locationNow(timeZone, instant)}Z`);
  const utc = Math.floor(instant.getTime() / 60_000) * 60_000;
  return Math.round((local - utc) / 60_000);
}

/** `-07:00` for the calendar's `timeZone` option. */
export function offsetString(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
