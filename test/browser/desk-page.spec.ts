/**
 * The front desk page (shared/desk/) in Debian's Chromium against a real `npm start -- --fresh`
 * (harness.ts). One server serves the whole run, so every test books on a date of its own.
 * Appointments are made through the API where a test needs them already there, and checked through
 * the API where the page made them.
 */
import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { expect, test, type DeskServer } from './harness.ts';

const LOCATION = 'c3d4e5f6-a7b8-9012-cdef-123456789012';
const LA = 'America/Los_Angeles';
const CHEN = 'd4e5f6a7-b8c9-0123-defa-234567890123';
const PATEL = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
const OP1 = '1a2b3c4d-0001-4000-8000-00000000a001';
const OP2 = '1a2b3c4d-0002-4000-8000-00000000a002';
const OP3 = '1a2b3c4d-0003-4000-8000-00000000a003';
const JANE = 'a1b2c3d4-e5f6-7890-abcd-ef1234567890';
const JONATHAN = 'f0e1d2c3-b4a5-6789-0123-456789abcdef';
const EXAM = 'b2c3d4e5-f6a7-8901-bcde-f12345678901'; // New Patient Exam, 60 min
const HYGIENE = 'c4d5e6f7-a8b9-0123-cdef-345678901234'; // Hygiene / Cleaning, 45 min

// The whole working day in view, so a drag reaches any time without scrolling.
test.use({ viewport: { width: 1280, height: 1500 } });

// ------------------------------------------------------------------ dates at the location

function laToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: LA, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}
/** The n-th Monday-to-Friday at least a week ahead at the location: each test takes its own n. */
function workday(n: number): string {
  let date = addDays(laToday(), 7);
  let seen = -1;
  for (;;) {
    if (weekdayOf(date) !== 0 && weekdayOf(date) !== 6 && ++seen === n) return date;
    date = addDays(date, 1);
  }
}
/** The next US daylight-saving Sunday (second Sunday of March or first of November) after today. */
function nextDstSunday(kind: 'spring' | 'fall'): string {
  const today = laToday();
  for (let year = Number(today.slice(0, 4)); ; year++) {
    let date = kind === 'spring' ? `${year}-03-08` : `${year}-11-01`;
    while (weekdayOf(date) !== 0) date = addDays(date, 1);
    if (date > addDays(today, 1)) return date;
  }
}

// ------------------------------------------------------------------ the API, as another desk would call it

function api(request: APIRequestContext, desk: DeskServer) {
  const headers = { Authorization: `Bearer ${desk.token}`, Accept: 'application/json' };
  const base = `/api/v1/${desk.orgId}`;
  return {
    async book(body: { patient: string; type: string; provider: string; operatory: string; start: string; end: string }) {
      const res = await request.post(`${base}/appointments`, {
        headers,
        data: { patient_uuid: body.patient, appointment_type_uuid: body.type, location_uuid: LOCATION, provider_uuid: body.provider, operatory_uuid: body.operatory, scheduled_start: body.start, scheduled_end: body.end },
      });
      expect(res.status(), await res.text()).toBe(201);
      return (await res.json()) as { uuid: string; status: string; scheduled_start: string };
    },
    async day(date: string) {
      const res = await request.get(`${base}/appointments?date_from=${date}&date_to=${date}&location_uuid=${LOCATION}&page_size=100`, { headers });
      expect(res.status()).toBe(200);
      return ((await res.json()) as { items: { uuid: string; status: string; scheduled_start: string; operatory: { uuid: string }; patient: { uuid: string } }[] }).items;
    },
    async get(uuid: string) {
      const res = await request.get(`${base}/appointments/${uuid}`, { headers });
      expect(res.status()).toBe(200);
      return (await res.json()) as { uuid: string; status: string; scheduled_start: string; operatory: { uuid: string }; status_history: { reason: string | null }[] };
    },
    async setStatus(uuid: string, status: string) {
      const res = await request.patch(`${base}/appointments/${uuid}/status`, { headers, data: { status } });
      expect(res.status(), await res.text()).toBe(200);
    },
    async openings(date: string, type: string, provider: string) {
      const res = await request.get(`${base}/schedule/availability?location_uuid=${LOCATION}&appointment_type_uuid=${type}&provider_uuid=${provider}&date_from=${date}&date_to=${date}`, { headers });
      expect(res.status()).toBe(200);
      return ((await res.json()) as { items: { scheduled_start: string }[] }).items.map((i) => i.scheduled_start);
    },
    async createPatient(body: { first_name: string; last_name: string; date_of_birth: string }) {
      const res = await request.post(`${base}/patients`, { headers, data: body });
      expect(res.status(), await res.text()).toBe(201);
      return (await res.json()) as { uuid: string };
    },
    async patient(uuid: string) {
      const res = await request.get(`${base}/patients/${uuid}`, { headers });
      expect(res.status()).toBe(200);
      return (await res.json()) as { primary_phone: string | null; email: string | null; first_name: string };
    },
    async editPatient(uuid: string, body: Record<string, unknown>) {
      const res = await request.patch(`${base}/patients/${uuid}`, { headers, data: body });
      expect(res.status(), await res.text()).toBe(200);
    },
    async workingHours(provider: string, weekly: Record<string, { start: string; end: string }[]>) {
      const res = await request.put(`${base}/providers/${provider}/working-hours/${LOCATION}`, { headers, data: { weekly } });
      expect(res.status(), await res.text()).toBe(200);
    },
  };
}

// ------------------------------------------------------------------ the page

async function unlock(page: Page, desk: DeskServer): Promise<void> {
  await page.goto('/desk');
  await page.getByLabel('API token').fill(desk.token);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.locator('.ec-col-head').first()).toBeVisible();
}

async function showDay(page: Page, date: string): Promise<void> {
  const input = page.locator('#date');
  await input.fill(date); // fires input and change: one reload
  await expect(page.locator('.ec-col-group time')).toHaveAttribute('datetime', date);
  await input.blur(); // the keys work when no field has the focus
}

/** The y of a time's line in the grid: the grid's top is its first slot's start, every slot is as high. */
async function lineAt(page: Page, hhmm: string): Promise<number> {
  const grid = await boxOf(page.locator('.ec-body .ec-day').first());
  const first = await page.locator('.ec-body .ec-sidebar time').first().getAttribute('datetime');
  const slot = await page.locator('.ec-main').evaluate((el) => parseFloat(getComputedStyle(el).getPropertyValue('--ec-slot-height')));
  if (!first || !slot) throw new Error('no grid');
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  return grid.y + ((minutes(hhmm) - minutes(first.slice(11, 16))) / 15) * slot;
}

async function columnX(page: Page, name: string): Promise<number> {
  const box = await boxOf(page.locator('.ec-col-head').filter({ hasText: name }));
  return box.x + box.width / 2;
}

/** A box once the element has one (the calendar may re-render an event between two reads). */
async function boxOf(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let box: Awaited<ReturnType<Locator['boundingBox']>> = null;
  await expect.poll(async () => (box = await locator.boundingBox())).not.toBeNull();
  return box!;
}

function event(page: Page, patient: string) {
  return page.locator('.ec-event.appt').filter({ hasText: patient });
}

/** Errors the page may log on purpose: Chromium reports each refused fetch (409, 412, 401) as a console error. */
function onlyRefusedFetches(errors: string[], statuses: number[]): string[] {
  return errors.filter((e) => !statuses.some((s) => e.includes(`status of ${s}`)));
}

// ------------------------------------------------------------------ getting in

test.describe('getting in', () => {
  test('a token unlocks the book and Lock forgets it; a bad token stores nothing and says why', async ({ page, desk, csp }) => {
    await page.goto('/desk');
    await page.getByLabel('API token').fill('dbk_not-a-real-token');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByRole('alert')).toContainText('not accepted');
    expect(await page.evaluate(() => ({ session: sessionStorage.length, local: localStorage.length }))).toEqual({ session: 0, local: 0 });

    await page.getByLabel('API token').fill(desk.token);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.locator('.ec-col-head')).toHaveText(['Operatory 1', 'Operatory 2', 'Operatory 3 (Hygiene)']);
    await expect(page.getByText('Signed in as local demo')).toBeVisible();
    expect(await page.evaluate(() => sessionStorage.getItem('desk.token'))).toBe(desk.token);

    // A reload in the same tab keeps the session; Lock forgets it.
    await page.reload();
    await expect(page.locator('.ec-col-head').first()).toBeVisible();
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await expect(page.getByLabel('API token')).toBeVisible();
    expect(await page.evaluate(() => ({ session: sessionStorage.length, local: localStorage.length }))).toEqual({ session: 0, local: 0 });
    expect(onlyRefusedFetches(csp.errors, [401])).toEqual([]);
    expect(csp.violations).toEqual([]);
  });

  test('locks itself after 15 idle minutes', async ({ page, desk }) => {
    await page.clock.install();
    await unlock(page, desk);
    await page.clock.runFor('14:00');
    await expect(page.locator('.ec-col-head').first()).toBeVisible();
    await page.keyboard.press('Shift'); // activity restarts the 15 minutes
    await page.clock.runFor('14:00');
    await expect(page.locator('.ec-col-head').first()).toBeVisible();
    await page.clock.runFor('01:01');
    await expect(page.getByLabel('API token')).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('15 idle minutes');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  test('the token never reaches a URL, localStorage or a cookie; patient names reach URLs only as the search query', async ({ page, desk, request }) => {
    const date = workday(0);
    await api(request, desk).book({ patient: JANE, type: EXAM, provider: CHEN, operatory: OP1, start: `${date}T09:00:00`, end: `${date}T10:00:00` });
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    page.on('framenavigated', (f) => urls.push(f.url()));
    await unlock(page, desk);
    await showDay(page, date);
    await expect(event(page, 'Jane Smith')).toBeVisible();
    await event(page, 'Jane Smith').click();
    await expect(page.locator('#appointment-dialog')).toContainText('Status history');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'New appointment' }).click();
    await page.getByLabel('Find patient (name)').fill('Smi');
    await expect(page.getByRole('button', { name: /Smith, Jane/ })).toBeVisible();

    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) {
      expect(url).not.toContain(desk.token);
      expect(decodeURIComponent(url)).not.toMatch(/Jane|Smith/);
    }
    expect(urls.some((u) => u.includes('query=Smi'))).toBe(true);
    expect(await page.evaluate(() => ({ local: localStorage.length, cookie: document.cookie, keys: Object.keys(sessionStorage) }))).toEqual({ local: 0, cookie: '', keys: ['desk.token'] });
  });
});

// ------------------------------------------------------------------ the book

test.describe('the day book', () => {
  test("shows the demo's chairs and the day's appointments with type, provider and a status mark; cancelled ones on request", async ({ page, desk, request, csp }) => {
    const date = workday(1);
    const a = api(request, desk);
    await a.book({ patient: JANE, type: EXAM, provider: CHEN, operatory: OP1, start: `${date}T09:00:00`, end: `${date}T10:00:00` });
    const cleaning = await a.book({ patient: JONATHAN, type: HYGIENE, provider: PATEL, operatory: OP3, start: `${date}T09:00:00`, end: `${date}T09:45:00` });
    await a.setStatus(cleaning.uuid, 'confirmed');
    const gone = await a.book({ patient: JONATHAN, type: HYGIENE, provider: PATEL, operatory: OP3, start: `${date}T14:00:00`, end: `${date}T14:45:00` });
    await a.setStatus(gone.uuid, 'cancelled');

    await unlock(page, desk);
    await showDay(page, date);
    await expect(page.locator('.ec-col-head')).toHaveText(['Operatory 1', 'Operatory 2', 'Operatory 3 (Hygiene)']);
    await expect(event(page, 'Jane Smith')).toContainText('09:00–10:00');
    await expect(event(page, 'Jane Smith')).toContainText('New Patient Exam');
    await expect(event(page, 'Jane Smith')).toContainText('Michael Chen DDS');
    await expect(event(page, 'Jane Smith')).toContainText('○ Scheduled');
    await expect(event(page, 'Jonathan Smith')).toHaveCount(1);
    await expect(event(page, 'Jonathan Smith')).toContainText('✓ Confirmed');
    // Each in its chair's column.
    const op1 = await columnX(page, 'Operatory 1');
    const op3 = await columnX(page, 'Operatory 3 (Hygiene)');
    const jane = await boxOf(event(page, 'Jane Smith'));
    const jon = await boxOf(event(page, 'Jonathan Smith'));
    expect(jane.x < op1 && op1 < jane.x + jane.width).toBe(true);
    expect(jon.x < op3 && op3 < jon.x + jon.width).toBe(true);
    // Type colours keep their text readable: white on the exam's indigo.
    expect(await event(page, 'Jane Smith').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(255, 255, 255)');

    await page.getByLabel('Show cancelled and no-shows').check();
    await expect(event(page, 'Jonathan Smith')).toHaveCount(2);
    await expect(event(page, 'Jonathan Smith').filter({ hasText: 'Cancelled' })).toContainText('✕ Cancelled');
    csp.expectNone();
  });

  test('the keys: t today, arrows change the day', async ({ page, desk }) => {
    await unlock(page, desk);
    const today = laToday();
    await expect(page.locator('.ec-col-group time')).toHaveAttribute('datetime', today);
    await page.locator('body').press('ArrowRight');
    await expect(page.locator('.ec-col-group time')).toHaveAttribute('datetime', addDays(today, 1));
    await page.locator('body').press('ArrowRight');
    await page.locator('body').press('ArrowLeft');
    await expect(page.locator('.ec-col-group time')).toHaveAttribute('datetime', addDays(today, 1));
    await page.locator('body').press('t');
    await expect(page.locator('.ec-col-group time')).toHaveAttribute('datetime', today);
  });

  test('an axe scan finds no serious or critical violation (book, booking dialog, appointment dialog)', async ({ page, desk, request }) => {
    const date = workday(2);
    await api(request, desk).book({ patient: JANE, type: HYGIENE, provider: PATEL, operatory: OP3, start: `${date}T10:00:00`, end: `${date}T10:45:00` });
    const serious = async () => (await new AxeBuilder({ page }).analyze()).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    await page.goto('/desk');
    expect(await serious()).toEqual([]);
    await unlock(page, desk);
    await showDay(page, date);
    await expect(event(page, 'Jane Smith')).toBeVisible();
    expect(await serious()).toEqual([]);
    await page.locator('body').press('n');
    await expect(page.locator('#book-dialog')).toBeVisible();
    expect(await serious()).toEqual([]);
    await page.keyboard.press('Escape');
    await event(page, 'Jane Smith').click();
    await expect(page.locator('#appointment-dialog')).toContainText('Status history');
    expect(await serious()).toEqual([]);
  });
});

// ------------------------------------------------------------------ booking

test.describe('booking', () => {
  test('by mouse: drag over free time, pick the patient, Book; a double click books once', async ({ page, desk, request, csp }) => {
    const date = workday(3);
    await unlock(page, desk);
    await showDay(page, date);
    const x = await columnX(page, 'Operatory 2');
    await page.mouse.move(x, (await lineAt(page, '09:00')) + 4);
    await page.mouse.down();
    await page.mouse.move(x, (await lineAt(page, '10:00')) - 4, { steps: 8 });
    await page.mouse.up();
    const dialog = page.locator('#book-dialog');
    await expect(dialog).toBeVisible();
    await expect(page.locator('#bk-time')).toHaveValue('09:00');
    await expect(page.locator('#bk-length')).toHaveValue('60');
    await expect(page.locator('#bk-operatory')).toHaveValue(OP2);
    await page.getByLabel('Find patient (name)').fill('Smith');
    await page.getByRole('button', { name: /Smith, Jane/ }).click();
    await page.locator('#bk-type').selectOption(EXAM);
    await page.locator('#bk-length').fill('60');
    await page.locator('#book-submit').dblclick();
    await expect(dialog).toHaveCount(0);
    await expect(page.locator('.live')).toContainText('Booked: Jane Smith, New Patient Exam');
    await expect(event(page, 'Jane Smith')).toContainText('09:00–10:00');

    const booked = (await api(request, desk).day(date)).filter((a) => a.patient.uuid === JANE);
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ scheduled_start: `${date}T09:00:00`, status: 'scheduled', operatory: { uuid: OP2 } });
    csp.expectNone();
  });

  test('a double submit sends one Idempotency-Key and books once, even when both requests go out', async ({ page, desk, request }) => {
    const date = workday(4);
    const keys: string[] = [];
    await page.route('**/appointments', async (route) => {
      if (route.request().method() === 'POST') keys.push(route.request().headers()['idempotency-key'] ?? '');
      await route.continue();
    });
    await unlock(page, desk);
    await showDay(page, date);
    await page.locator('body').press('n');
    await page.getByLabel('Find patient (name)').fill('Jonathan');
    await page.getByRole('button', { name: /Smith, Jonathan/ }).click();
    await page.locator('#bk-date').fill(date);
    await page.locator('#bk-time').fill('13:00');
    await page.locator('#bk-type').selectOption(HYGIENE);
    await page.locator('#bk-provider').selectOption(PATEL);
    // Two submits in the same task: the second must not make a second booking.
    await page.locator('#book-dialog form').evaluate((form: HTMLFormElement) => { form.requestSubmit(); form.requestSubmit(); });
    await expect(page.locator('.live')).toContainText('Booked: Jonathan Smith');
    const booked = (await api(request, desk).day(date)).filter((a) => a.patient.uuid === JONATHAN);
    expect(booked).toHaveLength(1);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });

  test('by keyboard alone: n, search, pick, Find openings, pick the first, Enter', async ({ page, desk, request, csp }) => {
    const date = workday(5);
    await unlock(page, desk);
    await showDay(page, date);
    await page.locator('body').press('n');
    await expect(page.getByLabel('Find patient (name)')).toBeFocused();
    await page.keyboard.type('Jane');
    const pick = page.getByRole('button', { name: /Smith, Jane/ });
    await expect(pick).toBeVisible();
    await page.keyboard.press('Tab');
    await expect(pick).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('#patient-chosen')).toHaveText('Patient: Jane Smith');
    await expect(page.locator('#bk-type')).toBeFocused();
    // Tab on to "Find openings" and press it.
    for (let i = 0; i < 12 && !(await page.locator('#find-openings').evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    await expect(page.locator('#find-openings')).toBeFocused();
    await page.keyboard.press('Enter');
    const first = page.locator('#openings button').first();
    await expect(first).toContainText('08:00');
    await page.keyboard.press('Tab');
    await expect(first).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('#book-submit')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('.live')).toContainText('Booked: Jane Smith');
    const booked = (await api(request, desk).day(date)).filter((a) => a.patient.uuid === JANE);
    expect(booked.map((b) => b.scheduled_start)).toEqual([`${date}T08:00:00`]);
    csp.expectNone();
  });

  test('a 409 names the appointment in the way; a 422 points at the field', async ({ page, desk, request }) => {
    const date = workday(6);
    await api(request, desk).book({ patient: JONATHAN, type: EXAM, provider: CHEN, operatory: OP1, start: `${date}T11:00:00`, end: `${date}T12:00:00` });
    await unlock(page, desk);
    await showDay(page, date);
    await page.locator('body').press('n');
    await page.getByLabel('Find patient (name)').fill('Jane');
    await page.getByRole('button', { name: /Smith, Jane/ }).click();
    await page.locator('#bk-type').selectOption(EXAM);
    await page.locator('#bk-provider').selectOption(CHEN);
    await page.locator('#bk-date').fill(date);
    await page.locator('#bk-time').fill('11:30');
    await page.locator('#book-submit').click();
    await expect(page.locator('#book-dialog [role=alert]')).toContainText('Jonathan Smith, New Patient Exam');
    await expect(page.locator('#book-dialog [role=alert]')).toContainText('11:00–12:00');
    // Outside Dr. Chen's hours: the API names the time, the page marks it.
    await page.locator('#bk-time').fill('18:00');
    await page.locator('#book-submit').click();
    await expect(page.locator('#bk-time')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#bk-time')).toBeFocused();
    expect((await api(request, desk).day(date)).filter((a) => a.patient.uuid === JANE)).toEqual([]);
  });
});

// ------------------------------------------------------------------ an appointment

test.describe('an appointment', () => {
  test('shows only the status changes the API allows, and cancelling frees its window in availability', async ({ page, desk, request }) => {
    const date = workday(7);
    const a = api(request, desk);
    const appt = await a.book({ patient: JANE, type: EXAM, provider: CHEN, operatory: OP2, start: `${date}T14:00:00`, end: `${date}T15:00:00` });
    expect(await a.openings(date, EXAM, CHEN)).not.toContain(`${date}T14:00:00`);
    await unlock(page, desk);
    await showDay(page, date);
    await event(page, 'Jane Smith').click();
    const dialog = page.locator('#appointment-dialog[data-loaded]');
    const actions = dialog.locator('.status-action');
    // Scheduled, in the future: confirm or cancel; no no-show before the start, no check-in before confirming.
    await expect(actions).toHaveText(['Confirm', 'Cancel appointment…']);
    await actions.filter({ hasText: 'Confirm' }).click();
    await expect(dialog.locator('#appt-status')).toContainText('Confirmed');
    await expect(actions).toHaveText(['Check in (arrived)', 'Cancel appointment…']);
    await expect(dialog.locator('.history li')).toHaveCount(2);
    await dialog.getByLabel('Reason for cancelling').fill('Patient called');
    await actions.filter({ hasText: 'Cancel' }).click();
    await expect(dialog.locator('#appt-status')).toContainText('Cancelled');
    await expect(actions).toHaveCount(0);
    await expect(dialog).toContainText('No further status change is possible.');
    await page.keyboard.press('Escape');
    await expect(event(page, 'Jane Smith')).toHaveCount(0);
    const stored = await a.get(appt.uuid);
    expect(stored.status).toBe('cancelled');
    expect(stored.status_history.at(-1)?.reason).toBe('Patient called');
    expect(await a.openings(date, EXAM, CHEN)).toContain(`${date}T14:00:00`);
  });

  test('an arrived appointment offers Complete only', async ({ page, desk, request }) => {
    const date = workday(8);
    const a = api(request, desk);
    const appt = await a.book({ patient: JONATHAN, type: HYGIENE, provider: PATEL, operatory: OP3, start: `${date}T08:00:00`, end: `${date}T08:45:00` });
    await a.setStatus(appt.uuid, 'confirmed');
    await a.setStatus(appt.uuid, 'arrived');
    await unlock(page, desk);
    await showDay(page, date);
    await expect(event(page, 'Jonathan Smith')).toContainText('➜ Arrived');
    await event(page, 'Jonathan Smith').click();
    await expect(page.locator('#appointment-dialog[data-loaded] .status-action')).toHaveText(['Complete']);
    await expect(page.locator('#move-open')).toHaveCount(0);
  });

  test('a change someone else made meanwhile: 412, reloaded, said so', async ({ page, desk, request }) => {
    const date = workday(9);
    const a = api(request, desk);
    const appt = await a.book({ patient: JANE, type: EXAM, provider: CHEN, operatory: OP1, start: `${date}T10:00:00`, end: `${date}T11:00:00` });
    await unlock(page, desk);
    await showDay(page, date);
    await event(page, 'Jane Smith').click();
    const dialog = page.locator('#appointment-dialog[data-loaded]');
    await expect(dialog.locator('.status-action')).toHaveText(['Confirm', 'Cancel appointment…']);
    await expect(dialog.locator('.history li')).toHaveCount(1);
    await a.setStatus(appt.uuid, 'confirmed'); // the other desk
    await dialog.locator('.status-action', { hasText: 'Cancel' }).click();
    await expect(dialog.getByRole('status')).toContainText('Someone else changed this appointment');
    await expect(dialog.locator('#appt-status')).toContainText('Confirmed');
    await expect(dialog.locator('.status-action')).toHaveText(['Check in (arrived)', 'Cancel appointment…']);
    expect((await a.get(appt.uuid)).status).toBe('confirmed');
  });
});

// ------------------------------------------------------------------ moves

test.describe('moves', () => {
  test('a drag onto a taken slot is undone and the appointment in the way is named', async ({ page, desk, request }) => {
    const date = workday(10);
    const a = api(request, desk);
    await a.book({ patient: JANE, type: EXAM, provider: CHEN, operatory: OP1, start: `${date}T09:00:00`, end: `${date}T10:00:00` });
    const later = await a.book({ patient: JONATHAN, type: EXAM, provider: CHEN, operatory: OP2, start: `${date}T13:00:00`, end: `${date}T14:00:00` });
    await unlock(page, desk);
    await showDay(page, date);
    const jon = event(page, 'Jonathan Smith');
    await expect(jon).toBeVisible();
    const before = await boxOf(jon);
    // Grab it 6 px below its top (13:00) and drop that point 6 px below 09:00 in Operatory 1.
    await page.mouse.move(before.x + before.width / 2, before.y + 6);
    await page.mouse.down();
    await page.mouse.move(await columnX(page, 'Operatory 1'), (await lineAt(page, '09:00')) + 6, { steps: 12 });
    await page.mouse.up();
    await expect(page.locator('.live')).toContainText('Move undone.');
    await expect(page.locator('.live')).toContainText('Jane Smith, New Patient Exam');
    await expect(page.locator('.live')).toContainText('09:00–10:00');
    await expect(jon).toContainText('13:00–14:00');
    const after = await boxOf(jon);
    expect(Math.abs(after.y - before.y)).toBeLessThan(2);
    expect(Math.abs(after.x - before.x)).toBeLessThan(2);
    expect(await a.get(later.uuid)).toMatchObject({ scheduled_start: `${date}T13:00:00`, operatory: { uuid: OP2 } });
  });

  test('a drag to free time moves it (PATCH with If-Match); the Move… dialog does the same by keyboard', async ({ page, desk, request, csp }) => {
    const date = workday(11);
    const a = api(request, desk);
    const appt = await a.book({ patient: JANE, type: EXAM, provider: CHEN, operatory: OP1, start: `${date}T09:00:00`, end: `${date}T10:00:00` });
    const ifMatch: (string | undefined)[] = [];
    await page.route(`**/appointments/${appt.uuid}`, async (route) => {
      if (route.request().method() === 'PATCH') ifMatch.push(route.request().headers()['if-match']);
      await route.continue();
    });
    await unlock(page, desk);
    await showDay(page, date);
    const jane = event(page, 'Jane Smith');
    await expect(jane).toBeVisible();
    const box = await boxOf(jane);
    await page.mouse.move(box.x + box.width / 2, box.y + 6);
    await page.mouse.down();
    await page.mouse.move(await columnX(page, 'Operatory 2'), (await lineAt(page, '11:00')) + 6, { steps: 12 });
    await page.mouse.up();
    await expect(page.locator('.live')).toContainText('Moved: Jane Smith');
    await expect(jane).toContainText('11:00–12:00');
    expect(await a.get(appt.uuid)).toMatchObject({ scheduled_start: `${date}T11:00:00`, operatory: { uuid: OP2 } });
    expect(ifMatch).toHaveLength(1);
    expect(ifMatch[0]).toBeTruthy();

    // Keyboard: focus the appointment, Enter, Move…, new time, Enter.
    await jane.focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#appointment-dialog[data-loaded]')).toBeVisible();
    await page.locator('#move-open').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#mv-date')).toBeFocused();
    await page.locator('#mv-time').fill('15:00');
    await page.locator('#mv-time').press('Enter');
    await expect(page.locator('.live')).toContainText('Moved: Jane Smith');
    await expect(jane).toContainText('15:00–16:00');
    expect((await a.get(appt.uuid)).scheduled_start).toBe(`${date}T15:00:00`);
    csp.expectNone();
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });
});

// ------------------------------------------------------------------ time zones

for (const timezoneId of ['Asia/Tokyo', 'America/New_York']) {
  test.describe(`with the browser in ${timezoneId}`, () => {
    test.use({ timezoneId });

    test("shows the Los Angeles location's wall clock, and a drag books the wall-clock time it shows", async ({ page, desk, request }) => {
      const date = workday(timezoneId === 'Asia/Tokyo' ? 12 : 13);
      const a = api(request, desk);
      await a.book({ patient: JANE, type: EXAM, provider: CHEN, operatory: OP1, start: `${date}T10:00:00`, end: `${date}T11:00:00` });
      await unlock(page, desk);
      expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe(timezoneId);
      await showDay(page, date);
      const jane = event(page, 'Jane Smith');
      await expect(jane).toContainText('10:00–11:00');
      const box = await boxOf(jane);
      expect(Math.abs(box.y - (await lineAt(page, '10:00')))).toBeLessThan(3);
      expect(Math.abs(box.y + box.height - (await lineAt(page, '11:00')))).toBeLessThan(4);
      // Drag-select 14:00–15:00 in Operatory 3 and book it: the API gets 14:00 at the location.
      const x = await columnX(page, 'Operatory 3 (Hygiene)');
      await page.mouse.move(x, (await lineAt(page, '14:00')) + 4);
      await page.mouse.down();
      await page.mouse.move(x, (await lineAt(page, '15:00')) - 4, { steps: 8 });
      await page.mouse.up();
      await expect(page.locator('#bk-time')).toHaveValue('14:00');
      await page.getByLabel('Find patient (name)').fill('Jonathan');
      await page.getByRole('button', { name: /Smith, Jonathan/ }).click();
      await page.locator('#bk-type').selectOption(HYGIENE);
      await page.locator('#bk-provider').selectOption(PATEL);
      await page.locator('#bk-length').fill('45');
      await page.locator('#book-submit').click();
      await expect(page.locator('.live')).toContainText('Booked: Jonathan Smith');
      const booked = (await a.day(date)).filter((b) => b.patient.uuid === JONATHAN);
      expect(booked.map((b) => b.scheduled_start)).toEqual([`${date}T14:00:00`]);
    });
  });
}

test.describe('on daylight-saving days (browser in America/New_York)', () => {
  test.use({ timezoneId: 'America/New_York' });

  test('the spring-forward and fall-back Sundays show the wall clock the API gives', async ({ page, desk, request }) => {
    const a = api(request, desk);
    const spring = nextDstSunday('spring');
    const fall = nextDstSunday('fall');
    const weekday = [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:00' }];
    await a.workingHours(PATEL, { monday: weekday, tuesday: weekday, wednesday: weekday, thursday: weekday, friday: weekday, saturday: [{ start: '09:00', end: '13:00' }], sunday: [{ start: '08:00', end: '12:00' }] });
    await a.book({ patient: JANE, type: HYGIENE, provider: PATEL, operatory: OP3, start: `${spring}T09:00:00`, end: `${spring}T09:45:00` });
    await a.book({ patient: JONATHAN, type: HYGIENE, provider: PATEL, operatory: OP3, start: `${fall}T10:00:00`, end: `${fall}T10:45:00` });
    await unlock(page, desk);
    for (const [date, patient, start, end] of [[spring, 'Jane Smith', '09:00', '10:00'], [fall, 'Jonathan Smith', '10:00', '11:00']] as const) {
      await showDay(page, date);
      const e = event(page, patient);
      await expect(e).toContainText(`${start}–${start.slice(0, 3)}45`);
      const box = await boxOf(e);
      expect(Math.abs(box.y - (await lineAt(page, start)))).toBeLessThan(3);
      expect(box.y + box.height).toBeLessThan(await lineAt(page, end));
    }
  });
});

// ------------------------------------------------------------------ staying current, the week, time off, patients, paper

test.describe('staying current', () => {
  test("reloads every 45 s while visible, and keeps a write's own answer while the day list lags", async ({ page, desk, request }) => {
    const date = workday(15);
    const a = api(request, desk);
    await page.clock.install();
    await unlock(page, desk);
    await showDay(page, date);
    // Another desk books: it shows at the next reload, without a click.
    await a.book({ patient: JONATHAN, type: HYGIENE, provider: PATEL, operatory: OP3, start: `${date}T08:00:00`, end: `${date}T08:45:00` });
    await expect(event(page, 'Jonathan Smith')).toHaveCount(0);
    await page.clock.runFor('00:46');
    await expect(event(page, 'Jonathan Smith')).toContainText('08:00–08:45');

    // From now on the day list lags (as the index may in AWS): it still answers without the new booking.
    await page.route('**/appointments?*', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { items: { patient: { uuid: string } }[]; total: number };
      const items = body.items.filter((i) => i.patient.uuid !== JANE);
      await route.fulfill({ response, json: { ...body, items, total: items.length } });
    });
    await page.locator('body').press('n');
    await page.getByLabel('Find patient (name)').fill('Jane');
    await page.getByRole('button', { name: /Smith, Jane/ }).click();
    await page.locator('#bk-type').selectOption(EXAM);
    await page.locator('#bk-provider').selectOption(CHEN);
    await page.locator('#bk-operatory').selectOption(OP1);
    await page.locator('#bk-date').fill(date);
    await page.locator('#bk-time').fill('09:00');
    await page.locator('#book-submit').click();
    await expect(event(page, 'Jane Smith')).toContainText('09:00–10:00');
    await page.clock.runFor('00:46');
    await expect(event(page, 'Jonathan Smith')).toBeVisible();
    await expect(event(page, 'Jane Smith')).toContainText('09:00–10:00');
    await page.unrouteAll({ behavior: 'ignoreErrors' }); // a reload may still be in flight
  });
});

test('the week view has a column per provider, each appointment in its provider\'s', async ({ page, desk, request }) => {
  const date = workday(16);
  const a = api(request, desk);
  // Patients of their own: the week holds other tests' bookings of the Smiths.
  const grace = await a.createPatient({ first_name: 'Grace', last_name: 'Hopper', date_of_birth: '1976-12-09' });
  const alan = await a.createPatient({ first_name: 'Alan', last_name: 'Turing', date_of_birth: '1982-06-23' });
  await a.book({ patient: grace.uuid, type: EXAM, provider: CHEN, operatory: OP1, start: `${date}T09:00:00`, end: `${date}T10:00:00` });
  await a.book({ patient: alan.uuid, type: HYGIENE, provider: PATEL, operatory: OP3, start: `${date}T09:00:00`, end: `${date}T09:45:00` });
  await unlock(page, desk);
  await showDay(page, date);
  await page.getByLabel('View').selectOption('week');
  await expect(page.locator('#day-title')).toContainText('week of');
  await expect(page.locator('.ec-col-head').filter({ hasText: 'Michael Chen DDS' })).toHaveCount(7);
  await expect(page.locator('.ec-col-head').filter({ hasText: 'Sarah Patel RDH' })).toHaveCount(7);
  await expect(event(page, 'Grace Hopper')).toContainText('Michael Chen DDS');
  const jane = await boxOf(event(page, 'Grace Hopper'));
  const jon = await boxOf(event(page, 'Alan Turing'));
  // Same day and time, side by side: Dr. Chen's column, then Sarah Patel's.
  expect(Math.abs(jane.y - jon.y)).toBeLessThan(2);
  expect(jon.x).toBeGreaterThan(jane.x + jane.width - 2);
});

test('blocking a chair from the grid shows the block and the appointment it affects', async ({ page, desk, request }) => {
  const date = workday(17);
  await api(request, desk).book({ patient: JANE, type: EXAM, provider: CHEN, operatory: OP1, start: `${date}T10:00:00`, end: `${date}T11:00:00` });
  await unlock(page, desk);
  await showDay(page, date);
  // Drag over 10:00–12:00 in Operatory 1 (the appointment takes the first hour), then block instead of booking.
  const x = await columnX(page, 'Operatory 1');
  const jane = await boxOf(event(page, 'Jane Smith'));
  await page.mouse.move(jane.x + jane.width - 4, (await lineAt(page, '11:00')) + 4);
  await page.mouse.down();
  await page.mouse.move(x, (await lineAt(page, '12:00')) - 4, { steps: 8 });
  await page.mouse.up();
  await expect(page.locator('#bk-time')).toHaveValue('11:00');
  await page.locator('#bk-time').fill('10:00');
  await page.locator('#bk-length').fill('120');
  await page.getByRole('button', { name: 'Block this time instead…' }).click();
  const dialog = page.locator('#time-off-dialog');
  await expect(dialog.locator('#to-who')).toHaveValue(`o:${OP1}`);
  await expect(dialog.locator('#to-from')).toHaveValue('10:00');
  await expect(dialog.locator('#to-to')).toHaveValue('12:00');
  await dialog.getByLabel('Reason (optional)').fill('Chair repair');
  await dialog.getByRole('button', { name: 'Block', exact: true }).click();
  await expect(dialog.getByRole('status')).toContainText('It affects 1 appointment(s): 10:00');
  await page.keyboard.press('Escape');
  await expect(page.locator('#time-off-list')).toContainText('Operatory 1');
  await expect(page.locator('#time-off-list')).toContainText('10:00 – ');
  await expect(page.locator('#time-off-list')).toContainText('(Chair repair) — affects 1 appointment(s)');
  await expect(page.locator('.ec-bg-event.time-off')).toHaveCount(1);
});

test('patients: search, open, their appointments, edit with If-Match; a concurrent edit is a 412 that reloads', async ({ page, desk, request }) => {
  const a = api(request, desk);
  const ada = await a.createPatient({ first_name: 'Ada', last_name: 'Lovelace', date_of_birth: '1985-12-10' });
  const date = workday(18);
  await a.book({ patient: ada.uuid, type: HYGIENE, provider: PATEL, operatory: OP3, start: `${date}T13:00:00`, end: `${date}T13:45:00` });
  await unlock(page, desk);
  await page.getByRole('button', { name: 'Patients' }).click();
  const dialog = page.locator('#patients-dialog');
  await dialog.getByLabel('Search by name').fill('Lovel');
  await dialog.getByRole('button', { name: /Lovelace, Ada/ }).click();
  await expect(dialog.locator('.patient li')).toContainText(['13:00 Hygiene / Cleaning — Scheduled']);
  await dialog.getByLabel('Phone').fill('+1-415-555-0199');
  await dialog.getByRole('button', { name: 'Save patient' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Saved.');
  expect((await a.patient(ada.uuid)).primary_phone).toBe('+1-415-555-0199');

  await dialog.getByRole('button', { name: /Lovelace, Ada/ }).click(); // read again, with the new ETag
  await expect(dialog.getByLabel('Phone')).toHaveValue('+1-415-555-0199');
  await a.editPatient(ada.uuid, { email: 'ada@example.com' }); // another desk
  await dialog.getByLabel('First name').fill('Augusta Ada');
  await dialog.getByRole('button', { name: 'Save patient' }).click();
  await expect(dialog.getByRole('status')).toContainText('Someone else changed this patient');
  await expect(dialog.getByLabel('Email')).toHaveValue('ada@example.com');
  expect((await a.patient(ada.uuid)).first_name).toBe('Ada');
});

test('the day sheet prints the book without the controls', async ({ page, desk }) => {
  await unlock(page, desk);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.toolbar')).toBeHidden();
  await expect(page.locator('.bar')).toBeHidden();
  await expect(page.locator('.ec-col-head').first()).toBeVisible();
});

test('the pinboard, by keyboard: cut an appointment, go to the next day, place it', async ({ page, desk, request }) => {
  let n = 20;
  while (![1, 2, 3, 4].includes(weekdayOf(workday(n)))) n++; // a Monday to Thursday: the next day is a workday too
  const date = workday(n);
  const next = addDays(date, 1);
  const a = api(request, desk);
  const grace = await a.createPatient({ first_name: 'Grace', last_name: 'Pinned', date_of_birth: '1970-01-02' });
  const appt = await a.book({ patient: grace.uuid, type: EXAM, provider: CHEN, operatory: OP1, start: `${date}T09:00:00`, end: `${date}T10:00:00` });
  await unlock(page, desk);
  await showDay(page, date);
  await event(page, 'Grace Pinned').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#appointment-dialog[data-loaded]')).toBeVisible();
  await page.locator('#cut').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#pinboard')).toContainText('Pinned: Grace Pinned');
  await expect(page.locator('#place')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.ec-col-group time')).toHaveAttribute('datetime', next);
  await expect(page.locator('#place')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#mv-date')).toHaveValue(next);
  await expect(page.locator('#mv-time')).toHaveValue('09:00');
  await page.keyboard.press('Enter');
  await expect(page.locator('.live')).toContainText('Moved: Grace Pinned');
  await expect(page.locator('#pinboard')).toBeEmpty();
  await expect(event(page, 'Grace Pinned')).toContainText('09:00–10:00');
  expect((await a.get(appt.uuid)).scheduled_start).toBe(`${next}T09:00:00`);
});

// ------------------------------------------------------------------ the README's picture

// The README's picture is rewritten only when asked (`UPDATE_SCREENSHOT=1 npx playwright test -g README`):
// a test run must not change the working tree. Otherwise the shot goes to the run's output folder.
test('the day book of the demo clinic, for the README (docs/desk.png)', async ({ page, desk, request, csp }, testInfo) => {
  const date = workday(19);
  const a = api(request, desk);
  await a.book({ patient: JANE, type: EXAM, provider: CHEN, operatory: OP1, start: `${date}T08:00:00`, end: `${date}T09:00:00` });
  const cleaning = await a.book({ patient: JONATHAN, type: HYGIENE, provider: PATEL, operatory: OP3, start: `${date}T09:00:00`, end: `${date}T09:45:00` });
  await a.setStatus(cleaning.uuid, 'confirmed');
  await a.book({ patient: JONATHAN, type: 'e6f7a8b9-c0d1-2345-efab-567890123456', provider: CHEN, operatory: OP2, start: `${date}T10:30:00`, end: `${date}T11:00:00` });
  await page.setViewportSize({ width: 1200, height: 900 });
  await unlock(page, desk);
  await showDay(page, date);
  await expect(page.locator('.ec-event.appt')).toHaveCount(3);
  await page.screenshot({ path: process.env.UPDATE_SCREENSHOT === '1' ? 'docs/desk.png' : testInfo.outputPath('desk.png') });
  csp.expectNone();
});
