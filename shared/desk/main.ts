/**
 * The front desk: a day book for one location, in the browser, on the public API only.
 *
 * Mounted into `<main id="desk">` of the shell, which loads vkurko's Event Calendar (global
 * `EventCalendar`) before this file. No framework: state lives in `desk` below, the calendar is
 * re-fed from it, and every change goes through the API and is merged from the write's own answer.
 * Patient data stays in memory: never in the URL, storage or the console.
 */
import { Api, ApiProblem, type Appointment, type AppointmentStatus, type TimeOff, type Whoami } from './api.ts';
import { clear, h, textColorFor } from './dom.ts';
import { STATUS_MARK } from './status.ts';
import type { EcEventInput, EcMoveInfo, EcResource } from './event-calendar.d.ts';
import { addDays, addMinutes, datePart, hhmm, locationNow, longDate, mondayOf, offsetMinutes, offsetString, shortDate, wall, weekdayOf } from './time.ts';
import { openAppointment, openBooking, openMove, openPatients, openTimeOff, type Ctx } from './dialogs.ts';
import type { Desk, Held } from './state.ts';

const TOKEN_KEY = 'desk.token';
export const IDLE_LOCK_MS = 15 * 60_000;
const REFRESH_MS = 45_000;
/** How long a write's own answer wins over the day list (the list's index lags in AWS). */
const PIN_MS = 120_000;


const root = document.getElementById('desk') ?? document.body.appendChild(h('main', { id: 'desk' }));
const live = h('div', { class: 'live', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
let desk: Desk | null = null;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
let refreshTimer: ReturnType<typeof setInterval> | undefined;

/** Announce a result in the polite live region (and show it in the status bar). */
export function announce(message: string): void {
  live.textContent = '';
  // A fresh text node makes screen readers read the same message twice in a row too.
  setTimeout(() => { live.textContent = message; }, 30);
}

// ---------------------------------------------------------------- getting in

function showLock(reason?: string): void {
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'token-help token-error' });
  const error = h('p', { id: 'token-error', class: 'error', role: 'alert' }, reason ?? '');
  const button = h('button', { type: 'submit', class: 'primary' }, 'Unlock');
  const form = h('form', { class: 'lock', 'aria-labelledby': 'lock-title' },
    h('h1', { id: 'lock-title' }, 'Front desk'),
    h('label', { for: 'token' }, 'API token'),
    input,
    h('p', { id: 'token-help', class: 'help' }, 'Paste your personal token (npm run admin -- create-token). It is kept for this tab only and forgotten on Lock or after 15 idle minutes.'),
    button,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) { error.textContent = 'Paste a token first.'; input.focus(); return; }
    button.disabled = true;
    error.textContent = '';
    void unlock(token).catch((err: unknown) => {
      button.disabled = false;
      input.value = '';
      error.textContent = reasonOf(err);
      input.focus();
    });
  });
  clear(root, form, live);
  input.focus();
}

function reasonOf(err: unknown): string {
  if (err instanceof ApiProblem) {
    if (err.status === 401) return `That token was not accepted: ${err.problem.detail} Nothing was stored.`;
    if (err.status === 403) return `That token may not do this: ${err.problem.detail}`;
    return err.problem.detail;
  }
  return 'Something went wrong. Try again.';
}

async function unlock(token: string): Promise<void> {
  const who = await Api.whoami(token);
  sessionStorage.setItem(TOKEN_KEY, token);
  await start(new Api(token, who.org_id), who);
}

export function lock(reason?: string): void {
  sessionStorage.removeItem(TOKEN_KEY);
  clearTimeout(idleTimer);
  clearInterval(refreshTimer);
  document.querySelectorAll('dialog').forEach((d) => d.remove());
  if (desk?.calendar) window.EventCalendar?.destroy(desk.calendar);
  desk = null;
  pinned = null;
  clear(els.pinboard);
  showLock(reason);
  if (reason) announce(reason);
}

function resetIdle(): void {
  if (!desk) return;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => lock('Locked after 15 idle minutes. Paste the token again to continue.'), IDLE_LOCK_MS);
}

for (const type of ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart']) {
  document.addEventListener(type, resetIdle, { passive: true, capture: true });
}

// ---------------------------------------------------------------- the day book

async function start(api: Api, who: Whoami): Promise<void> {
  const [locations, providers, types] = await Promise.all([api.locations(), api.providers(), api.appointmentTypes()]);
  const location = locations[0];
  if (!location) throw new ApiProblem(404, { type: 'about:blank', title: 'No location', status: 404, detail: 'This organisation has no location yet.' });
  desk = {
    api, who, locations, location, providers, types, operatories: [], hours: new Map(), timeOff: [],
    date: datePart(locationNow(location.time_zone)), view: 'day', showInactive: false, appts: new Map(), calendar: null,
    offset: offsetMinutes(location.time_zone),
  };
  renderShell();
  await loadLocation();
  resetIdle();
  clearInterval(refreshTimer);
  refreshTimer = setInterval(() => { if (document.visibilityState === 'visible') void refresh(); }, REFRESH_MS);
}

document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible' && desk) void refresh(); });

const els = {
  title: h('h2', { id: 'day-title', 'aria-live': 'off' }),
  calendar: h('div', { id: 'calendar', class: 'calendar' }),
  affected: h('section', { id: 'time-off-list', class: 'time-off-list', 'aria-label': 'Time off this day' }),
  pinboard: h('section', { id: 'pinboard', class: 'pinboard', 'aria-label': 'Pinboard' }),
};

/** The pinboard: an appointment cut from its day, to be placed on another (the keyboard's long move). */
let pinned: { appt: Appointment; etag: string | null } | null = null;

function pin(appt: Appointment, etag: string | null): void {
  pinned = { appt, etag };
  renderPinboard();
  announce(`Pinned ${appt.patient.first_name} ${appt.patient.last_name}. Go to the day, then Place.`);
  document.getElementById('place')?.focus();
}

function renderPinboard(): void {
  if (!pinned) { clear(els.pinboard); return; }
  const { appt, etag } = pinned;
  clear(els.pinboard,
    h('p', {}, h('strong', {}, 'Pinned: '), appointmentLabel(appt)),
    h('button', { type: 'button', id: 'place', class: 'primary', onclick: () => openMove(ctx(), appt, etag, desk?.date, () => { pinned = null; renderPinboard(); }) }, 'Place on the day shown…'),
    h('button', { type: 'button', id: 'unpin', onclick: () => { pinned = null; renderPinboard(); announce('Pin removed; the appointment stays where it was.'); } }, 'Unpin'),
  );
}

function renderShell(): void {
  const d = desk!;
  const locationSelect = h('select', { id: 'location' }) as HTMLSelectElement;
  for (const l of d.locations) locationSelect.append(h('option', { value: l.uuid, selected: l.uuid === d.location.uuid }, `${l.name} (${l.time_zone})`));
  locationSelect.addEventListener('change', () => {
    const next = d.locations.find((l) => l.uuid === locationSelect.value);
    if (next) { d.location = next; d.date = datePart(locationNow(next.time_zone)); void loadLocation(); }
  });
  const dateInput = h('input', { id: 'date', type: 'date', value: d.date }) as HTMLInputElement;
  dateInput.addEventListener('change', () => { if (dateInput.value) void goTo(dateInput.value); });
  const inactive = h('input', { id: 'show-inactive', type: 'checkbox' }) as HTMLInputElement;
  inactive.addEventListener('change', () => { d.showInactive = inactive.checked; feedCalendar(); });
  const viewSelect = h('select', { id: 'view' }, h('option', { value: 'day' }, 'Day: chairs'), h('option', { value: 'week' }, 'Week: providers')) as HTMLSelectElement;
  viewSelect.addEventListener('change', () => { d.view = viewSelect.value === 'week' ? 'week' : 'day'; void reload(); });
  const who = d.who.token.label ? `Signed in as ${d.who.token.label}` : `Token ${d.who.token.id}`;
  const header = h('header', { class: 'bar' },
    h('h1', {}, 'Front desk'),
    h('label', { for: 'location' }, 'Location'), locationSelect,
    h('span', { class: 'who' }, who),
    h('button', { type: 'button', id: 'lock', onclick: () => lock('Locked. The token was forgotten.') }, 'Lock'),
  );
  const toolbar = h('nav', { class: 'toolbar', 'aria-label': 'Day book' },
    h('button', { type: 'button', id: 'prev', 'aria-keyshortcuts': 'ArrowLeft', onclick: () => void step(-1) }, '◀ Previous'),
    h('button', { type: 'button', id: 'today', 'aria-keyshortcuts': 't', onclick: () => void goTo(datePart(locationNow(d.location.time_zone))) }, 'Today'),
    h('button', { type: 'button', id: 'next', 'aria-keyshortcuts': 'ArrowRight', onclick: () => void step(1) }, 'Next ▶'),
    h('label', { for: 'date' }, 'Date'), dateInput,
    h('label', { for: 'view' }, 'View'), viewSelect,
    h('span', { class: 'check' }, inactive, h('label', { for: 'show-inactive' }, 'Show cancelled and no-shows')),
    h('button', { type: 'button', id: 'new', class: 'primary', 'aria-keyshortcuts': 'n', onclick: () => openBooking(ctx(), {}) }, 'New appointment (n)'),
    h('button', { type: 'button', id: 'patients', onclick: () => openPatients(ctx()) }, 'Patients'),
    h('button', { type: 'button', id: 'block', onclick: () => openTimeOff(ctx(), {}) }, 'Block time'),
    h('button', { type: 'button', id: 'print', onclick: () => window.print() }, 'Print day sheet'),
  );
  clear(root, header, toolbar, els.pinboard, els.title, els.calendar, els.affected, h('p', { class: 'keys' }, 'Keys: t today · ← → day · n new appointment · Esc closes a dialog'), live);
}

/** What the dialogs need from the page. */
function ctx(): Ctx {
  return { desk: desk!, announce, merge, refresh, appointmentLabel, providerName, move: moveAppointment, explain, now: () => locationNow(desk!.location.time_zone), pin };
}

async function loadLocation(): Promise<void> {
  const d = desk!;
  d.offset = offsetMinutes(d.location.time_zone);
  const [operatories, hours] = await Promise.all([
    d.api.operatories(d.location.uuid),
    Promise.all(d.providers.map((p) => d.api.workingHours(p.uuid).catch(() => []))),
  ]);
  d.operatories = operatories.filter((o) => o.is_active);
  d.hours = new Map(hours.flat().filter((w) => w.location_uuid === d.location.uuid).map((w) => [w.provider_uuid, w]));
  if (d.calendar) window.EventCalendar?.destroy(d.calendar);
  d.calendar = null;
  await reload();
}

function range(): { from: string; to: string } {
  const d = desk!;
  if (d.view === 'week') { const from = mondayOf(d.date); return { from, to: addDays(from, 6) }; }
  return { from: d.date, to: d.date };
}

async function goTo(date: string): Promise<void> {
  desk!.date = date;
  await reload();
  announce(`Showing ${longDate(date)}.`);
}

async function step(days: number): Promise<void> {
  await goTo(addDays(desk!.date, desk!.view === 'week' ? days * 7 : days));
}

async function reload(): Promise<void> {
  const d = desk!;
  d.appts = new Map([...d.appts].filter(([, held]) => held.pinnedUntil > Date.now()));
  await refresh();
}

/** Read the view's appointments and time off again; a write's own answer stays until the list has caught up. */
export async function refresh(): Promise<void> {
  const d = desk;
  if (!d) return;
  const { from, to } = range();
  try {
    const [list, timeOff] = await Promise.all([d.api.appointments(d.location.uuid, from, to), d.api.timeOff([...d.providers.map((p) => ({ provider_uuid: p.uuid })), ...d.operatories.map((o) => ({ operatory_uuid: o.uuid, location_uuid: d.location.uuid }))], from, to)]);
    if (desk !== d) return;
    const now = Date.now();
    const next = new Map<string, Held>();
    for (const appt of list) {
      const held = d.appts.get(appt.uuid);
      if (held && held.pinnedUntil > now && held.appt.status_history.length > appt.status_history.length) next.set(appt.uuid, held);
      else if (held && held.pinnedUntil > now && (held.appt.scheduled_start !== appt.scheduled_start || held.appt.operatory.uuid !== appt.operatory.uuid)) next.set(appt.uuid, held);
      else next.set(appt.uuid, { appt, etag: held?.etag ?? null, pinnedUntil: 0 });
    }
    for (const [uuid, held] of d.appts) if (!next.has(uuid) && held.pinnedUntil > now) next.set(uuid, held);
    d.appts = next;
    d.timeOff = timeOff.filter((t) => t.location_uuid === d.location.uuid || t.provider_uuid !== null);
    feedCalendar();
  } catch (err) {
    if (err instanceof ApiProblem && err.status === 401) lock('The token is no longer accepted (revoked or expired). Paste a valid one.');
    else announce(`Could not refresh: ${reasonOf(err)}`);
  }
}

/** Put a write's answer into the book at once. */
export function merge(appt: Appointment, etag: string | null): void {
  desk?.appts.set(appt.uuid, { appt, etag, pinnedUntil: Date.now() + PIN_MS });
  feedCalendar();
}

export function appointmentLabel(appt: Appointment): string {
  return `${appt.patient.first_name} ${appt.patient.last_name}, ${appt.appointment_type.name}, ${shortDate(datePart(appt.scheduled_start))} ${hhmm(appt.scheduled_start)}–${hhmm(appt.scheduled_end)} with ${providerName(appt.provider)} in ${appt.operatory.name}`;
}

export function providerName(p: { first_name: string; last_name: string; title: string }): string {
  return `${p.first_name} ${p.last_name}${p.title ? ` ${p.title}` : ''}`;
}

const HIDDEN: ReadonlySet<AppointmentStatus> = new Set(['cancelled', 'no_show']);
const MOVABLE: ReadonlySet<AppointmentStatus> = new Set(['scheduled', 'confirmed']);

function resources(): EcResource[] {
  const d = desk!;
  return d.view === 'week'
    ? d.providers.map((p) => ({ id: p.uuid, title: providerName(p) }))
    : d.operatories.map((o) => ({ id: o.uuid, title: o.name }));
}

/** Earliest start and latest end of anyone's hours at the location, padded by an hour. */
function dayBounds(): { min: string; max: string } {
  let min = 24 * 60, max = 0;
  for (const w of desk!.hours.values()) for (const list of Object.values(w.weekly)) for (const i of list) {
    min = Math.min(min, toMin(i.start)); max = Math.max(max, toMin(i.end));
  }
  if (max <= min) return { min: '07:00:00', max: '19:00:00' };
  const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00`;
  return { min: clock(Math.max(0, Math.floor(min / 60) * 60 - 60)), max: clock(Math.min(24 * 60, Math.ceil(max / 60) * 60 + 60)) };
}

function toMin(clock: string): number {
  const [hh, mm] = clock.split(':').map(Number);
  return (hh ?? 0) * 60 + (mm ?? 0);
}

/** Closed time (outside working hours) as background blocks, per column. */
function closedBlocks(from: string, to: string): EcEventInput[] {
  const d = desk!;
  const out: EcEventInput[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const weekday = weekdayOf(day);
    const open = (providers: string[]) => merged(providers.flatMap((p) => d.hours.get(p)?.weekly[weekday] ?? []));
    const columns = d.view === 'week'
      ? d.providers.map((p) => ({ id: p.uuid, open: open([p.uuid]) }))
      : d.operatories.map((o) => ({ id: o.uuid, open: open([...d.hours.keys()]) }));
    for (const column of columns) {
      let cursor = 0;
      for (const [s, e] of [...column.open, [24 * 60, 24 * 60] as [number, number]]) {
        if (s > cursor) out.push({ id: `closed-${column.id}-${day}-${cursor}`, resourceIds: [column.id], start: at(day, cursor), end: at(day, s), display: 'background', classNames: ['closed'] });
        cursor = Math.max(cursor, e);
      }
    }
  }
  return out;
}

function merged(intervals: { start: string; end: string }[]): [number, number][] {
  const sorted = intervals.map((i) => [toMin(i.start), toMin(i.end)] as [number, number]).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function at(day: string, minutes: number): string {
  return addMinutes(`${day}T00:00:00`, minutes);
}

function timeOffBlocks(): EcEventInput[] {
  const d = desk!;
  return d.timeOff.flatMap((t) => {
    const column = d.view === 'week' ? t.provider_uuid : t.operatory_uuid;
    if (!column) return [];
    return [{ id: `off-${t.uuid}`, resourceIds: [column], start: wall(t.start), end: wall(t.end), display: 'background' as const, classNames: ['time-off'], title: `Time off${t.reason ? `: ${t.reason}` : ''}` }];
  });
}

function appointmentEvents(): EcEventInput[] {
  const d = desk!;
  const out: EcEventInput[] = [];
  for (const { appt } of d.appts.values()) {
    if (appt.location.uuid !== d.location.uuid) continue;
    if (HIDDEN.has(appt.status) && !d.showInactive) continue;
    const color = appt.appointment_type.color;
    out.push({
      id: appt.uuid,
      resourceIds: [d.view === 'week' ? appt.provider.uuid : appt.operatory.uuid],
      start: wall(appt.scheduled_start),
      end: wall(appt.scheduled_end),
      editable: MOVABLE.has(appt.status),
      backgroundColor: color,
      textColor: textColorFor(color),
      classNames: ['appt', `status-${appt.status}`],
      extendedProps: { uuid: appt.uuid },
    });
  }
  return out;
}

/** A reload must not re-render the book under a drag in progress: it waits for the drop. */
let dragging = false;
let feedWaiting = false;
function dragStarted(): void {
  dragging = true;
}
function dragStopped(): void {
  dragging = false;
  if (feedWaiting) { feedWaiting = false; setTimeout(feedCalendar, 0); }
}

function feedCalendar(): void {
  const d = desk;
  if (!d) return;
  if (dragging) { feedWaiting = true; return; }
  const { from, to } = range();
  els.title.textContent = d.view === 'week'
    ? `${d.location.name}: week of ${longDate(from)}`
    : `${d.location.name}: ${longDate(d.date)}`;
  const dateInput = document.getElementById('date') as HTMLInputElement | null;
  if (dateInput) dateInput.value = d.date;
  const events = [...closedBlocks(from, to), ...timeOffBlocks(), ...appointmentEvents()];
  const view = d.view === 'week' ? 'resourceTimeGridWeek' : 'resourceTimeGridDay';
  const bounds = dayBounds();
  const timeZone = offsetString(d.offset);
  if (!d.calendar) {
    const ec = window.EventCalendar;
    if (!ec) { announce('The calendar did not load. Reload the page.'); return; }
    d.calendar = ec.create(els.calendar, {
      view, date: d.date, timeZone, resources: resources(), events,
      headerToolbar: { start: '', center: '', end: '' },
      slotMinTime: bounds.min, slotMaxTime: bounds.max, slotDuration: '00:15:00', scrollTime: bounds.min,
      allDaySlot: false, nowIndicator: true, slotLabelFormat: { hour: '2-digit', minute: '2-digit', hour12: false }, selectable: true, editable: true, datesAboveResources: true,
      height: 'auto', firstDay: 1,
      eventContent: (info) => {
        if (info.event.display !== 'auto') return typeof info.event.title === 'string' ? info.event.title : '';
        const held = d.appts.get(String(info.event.extendedProps.uuid));
        return held ? { domNodes: [eventBody(held.appt)] } : '';
      },
      eventDidMount: (info) => {
        const held = d.appts.get(String(info.event.extendedProps.uuid ?? ''));
        if (!held) return;
        info.el.setAttribute('role', 'button');
        info.el.setAttribute('aria-haspopup', 'dialog');
        info.el.tabIndex = 0;
        info.el.dataset.uuid = held.appt.uuid;
        info.el.addEventListener('keydown', (event) => {
          if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); openAppointment(ctx(), held.appt.uuid); }
        });
      },
      eventClick: (info) => {
        const uuid = info.event.extendedProps.uuid;
        if (typeof uuid === 'string') openAppointment(ctx(), uuid);
      },
      eventDragStart: dragStarted,
      eventDragStop: dragStopped,
      eventResizeStart: dragStarted,
      eventResizeStop: dragStopped,
      eventDrop: (info) => void onMove(info),
      eventResize: (info) => void onMove(info),
      select: (info) => {
        const start = toWall(info.start);
        d.calendar?.unselect();
        const column = info.resource?.id;
        openBooking(ctx(), {
          start, end: toWall(info.end),
          ...(d.view === 'week' ? { provider: column } : { operatory: column }),
        });
      },
    });
  } else {
    const cal = d.calendar;
    if (cal.getOption('view') !== view) cal.setOption('view', view);
    cal.setOption('timeZone', timeZone);
    cal.setOption('date', d.date);
    cal.setOption('slotMinTime', bounds.min);
    cal.setOption('slotMaxTime', bounds.max);
    cal.setOption('resources', resources());
    cal.setOption('events', events);
  }
  renderTimeOffList();
}

/**
 * The calendar marks its grid up as an ARIA table whose rows hold things that are not cells (the
 * time sidebar, the event layer), which screen readers and axe reject. The book is read through its
 * column heads and each appointment's own text instead: the table roles go, the whole is a region.
 */
const TABLE_ROLES = new Set(['table', 'rowgroup', 'row', 'columnheader', 'rowheader', 'cell', 'gridcell']);
function plainGrid(container: HTMLElement): void {
  const strip = () => {
    for (const el of container.querySelectorAll<HTMLElement>('[role]')) {
      if (TABLE_ROLES.has(el.getAttribute('role') ?? '')) el.removeAttribute('role');
    }
    for (const el of container.querySelectorAll<HTMLElement>('[aria-colindex], [aria-colspan], [aria-rowindex]')) {
      el.removeAttribute('aria-colindex'); el.removeAttribute('aria-colspan'); el.removeAttribute('aria-rowindex');
    }
    const ec = container.querySelector('.ec');
    if (ec && ec.getAttribute('aria-label') !== 'Day book') { ec.setAttribute('role', 'region'); ec.setAttribute('aria-label', 'Day book'); }
  };
  strip();
  new MutationObserver(strip).observe(container, { subtree: true, childList: true, attributes: true, attributeFilter: ['role', 'aria-colindex', 'aria-colspan', 'aria-rowindex'] });
}
plainGrid(els.calendar);

/**
 * The calendar hands back "floating" Dates whose local fields are the wall clock it shows (the
 * location's, since every event and option is a wall-clock string); read those fields back. This is
 * the calendar's own convention, not a conversion: no time zone arithmetic happens here.
 */
export function toWall(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:00`;
}

function eventBody(appt: Appointment): HTMLElement {
  const mark = STATUS_MARK[appt.status];
  // Status and time first: a 15-minute appointment still shows its status mark.
  return h('div', { class: 'appt-body' },
    h('span', { class: 'appt-head' },
      h('span', { class: `appt-status status-${appt.status}` }, h('span', { 'aria-hidden': 'true', class: 'icon' }, mark.icon), ` ${mark.text}`),
      h('span', { class: 'appt-time' }, ` · ${hhmm(appt.scheduled_start)}–${hhmm(appt.scheduled_end)}`)),
    h('strong', { class: 'appt-patient' }, `${appt.patient.first_name} ${appt.patient.last_name}`),
    h('span', { class: 'appt-type' }, appt.appointment_type.name),
    h('span', { class: 'appt-provider' }, providerName(appt.provider)),
  );
}

function renderTimeOffList(): void {
  const d = desk!;
  if (d.timeOff.length === 0) { clear(els.affected); return; }
  const name = (t: TimeOff) => t.provider_uuid
    ? providerName(d.providers.find((p) => p.uuid === t.provider_uuid) ?? { first_name: 'Provider', last_name: '', title: '' })
    : d.operatories.find((o) => o.uuid === t.operatory_uuid)?.name ?? 'Chair';
  clear(els.affected, h('h3', {}, 'Time off'), h('ul', {}, d.timeOff.map((t) => h('li', {},
    `${name(t)}: ${shortDate(datePart(t.start))} ${hhmm(t.start)} – ${shortDate(datePart(t.end))} ${hhmm(t.end)}${t.reason ? ` (${t.reason})` : ''}`,
    t.affected_appointments.length ? ` — affects ${t.affected_appointments.length} appointment(s): ${t.affected_appointments.map((a) => `${shortDate(datePart(a.scheduled_start))} ${hhmm(a.scheduled_start)}`).join(', ')}` : ' — affects no appointment',
  ))));
}

// ---------------------------------------------------------------- moves

async function onMove(info: EcMoveInfo): Promise<void> {
  const d = desk!;
  const uuid = String(info.event.extendedProps.uuid ?? '');
  const held = d.appts.get(uuid);
  if (!held) { info.revert(); return; }
  const body: { scheduled_start: string; scheduled_end: string; operatory_uuid?: string; provider_uuid?: string } = {
    scheduled_start: toWall(info.event.start), scheduled_end: toWall(info.event.end),
  };
  if (info.newResource) body[d.view === 'week' ? 'provider_uuid' : 'operatory_uuid'] = info.newResource.id;
  await moveAppointment(held.appt, held.etag, body, info.revert);
}

/** PATCH a move with If-Match; on 409/412/422 put it back and say why. */
export async function moveAppointment(appt: Appointment, etag: string | null, body: { scheduled_start: string; scheduled_end: string; operatory_uuid?: string; provider_uuid?: string }, revert: () => void): Promise<boolean> {
  const d = desk!;
  try {
    let tag = etag;
    if (!tag) tag = (await d.api.getAppointment(appt.uuid)).etag;
    const moved = await d.api.move(appt.uuid, tag, body);
    merge(moved.value, moved.etag);
    announce(`Moved: ${appointmentLabel(moved.value)}.`);
    return true;
  } catch (err) {
    revert();
    feedCalendar();
    announce(`Move undone. ${await explain(err)}`);
    if (err instanceof ApiProblem && err.status === 412) void refresh();
    return false;
  }
}

/** A problem in words the front desk can act on; names the appointment in the way. */
export async function explain(err: unknown): Promise<string> {
  if (!(err instanceof ApiProblem)) return 'Something went wrong.';
  if (err.status === 412) return 'Someone else changed this appointment; the book was reloaded.';
  const conflict = err.problem.conflicts?.[0];
  if (err.status === 409 && conflict) {
    const d = desk!;
    let other = d.appts.get(conflict.appointment_uuid)?.appt;
    if (!other) other = await d.api.getAppointment(conflict.appointment_uuid).then((r) => r.value).catch(() => undefined);
    const who = conflict.resource === 'provider'
      ? `The provider is already booked`
      : `The chair is already booked`;
    return other ? `${who}: ${appointmentLabel(other)} is in the way.` : `${who} by appointment ${conflict.appointment_uuid}.`;
  }
  if (err.status === 422 && err.problem.errors?.length) return `${err.problem.detail} (${err.problem.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})`;
  return err.problem.detail;
}

// ---------------------------------------------------------------- keys

document.addEventListener('keydown', (event) => {
  if (!desk || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target as HTMLElement | null;
  if (target && (target.closest('input, select, textarea, [contenteditable], dialog') || document.querySelector('dialog[open]'))) return;
  if (event.key === 't') { event.preventDefault(); void goTo(datePart(locationNow(desk.location.time_zone))); }
  else if (event.key === 'ArrowLeft') { event.preventDefault(); void step(-1); }
  else if (event.key === 'ArrowRight') { event.preventDefault(); void step(1); }
  else if (event.key === 'n') { event.preventDefault(); openBooking(ctx(), {}); }
});

// ---------------------------------------------------------------- boot

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  void unlock(saved).catch((err: unknown) => { sessionStorage.removeItem(TOKEN_KEY); showLock(reasonOf(err)); });
} else {
  showLock();
}
