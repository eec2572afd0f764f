/**
 * The desk's dialogs: native <dialog> (Esc closes, focus returns), one per task. Each write goes
 * through the API and its answer is merged into the book at once.
 */
import { ApiProblem, newIdempotencyKey, type Appointment, type AppointmentStatus, type Patient } from './api.ts';
import { clear, h } from './dom.ts';
import type { Desk } from './state.ts';
import { ACTION_LABEL, STATUS_MARK, allowedTransitions } from './status.ts';
import { addDays, addMinutes, datePart, hhmm, shortDate, wall } from './time.ts';

export interface Ctx {
  desk: Desk;
  announce(message: string): void;
  merge(appt: Appointment, etag: string | null): void;
  refresh(): Promise<void>;
  appointmentLabel(appt: Appointment): string;
  providerName(p: { first_name: string; last_name: string; title: string }): string;
  move(appt: Appointment, etag: string | null, body: { scheduled_start: string; scheduled_end: string; operatory_uuid?: string; provider_uuid?: string }, revert: () => void): Promise<boolean>;
  explain(err: unknown): Promise<string>;
  /** The wall clock at the location now. */
  now(): string;
  /** Put an appointment on the pinboard, to place it on another day. */
  pin(appt: Appointment, etag: string | null): void;
}

function dialog(title: string, id: string): { el: HTMLDialogElement; body: HTMLElement; close(): void } {
  document.getElementById(id)?.remove();
  const opener = document.activeElement as HTMLElement | null;
  const body = h('div', { class: 'dialog-body' });
  const el = h('dialog', { id, 'aria-labelledby': `${id}-title` },
    h('header', {}, h('h2', { id: `${id}-title` }, title), h('button', { type: 'button', class: 'close', 'aria-label': 'Close', onclick: () => el.close() }, '×')),
    body,
  );
  el.addEventListener('close', () => { el.remove(); if (opener?.isConnected) opener.focus(); });
  document.body.append(el);
  el.showModal();
  return { el, body, close: () => el.close() };
}

function field(id: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  control.id = id;
  control.setAttribute('aria-describedby', `${id}-error${hint ? ` ${id}-hint` : ''}`);
  return h('div', { class: 'field' },
    h('label', { for: id }, label), control,
    hint ? h('span', { id: `${id}-hint`, class: 'help' }, hint) : null,
    h('span', { id: `${id}-error`, class: 'error field-error' }),
  );
}

/** Mark the field a 422 names, say why next to it and move focus there. */
function pointAtField(form: HTMLElement, err: ApiProblem, fields: Record<string, string>): boolean {
  let pointed = false;
  for (const e of err.problem.errors ?? []) {
    const name = e.path.replace(/^(body|query|path)\./, '').split('.')[0] ?? '';
    const id = fields[name];
    const control = id ? form.querySelector<HTMLElement>(`#${id}`) : null;
    if (!control) continue;
    control.setAttribute('aria-invalid', 'true');
    const slot = form.querySelector(`#${id}-error`);
    if (slot) slot.textContent = e.message;
    if (!pointed) control.focus();
    pointed = true;
  }
  return pointed;
}

function resetErrors(form: HTMLElement): void {
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field-error').forEach((e) => { e.textContent = ''; });
}

// ---------------------------------------------------------------- book

export interface BookingSeed { start?: string; end?: string; operatory?: string | undefined; provider?: string | undefined }

export function openBooking(ctx: Ctx, seed: BookingSeed): void {
  const d = ctx.desk;
  /**
   * One key per opened dialog: a double click or a retry after a lost answer books once. A refusal
   * (4xx) is final for that request, so the next, changed attempt takes a new key (the API refuses a
   * key reused with another body).
   */
  let bookingKey = newIdempotencyKey();
  const patientKey = newIdempotencyKey();
  let patient: Pick<Patient, 'uuid' | 'first_name' | 'last_name'> | null = null;
  const { el, body, close } = dialog('New appointment', 'book-dialog');

  const search = h('input', { type: 'search', autocomplete: 'off', role: 'combobox', 'aria-controls': 'patient-results', 'aria-expanded': 'false', 'aria-autocomplete': 'list' }) as HTMLInputElement;
  const results = h('ul', { id: 'patient-results', class: 'results', role: 'listbox', 'aria-label': 'Matching patients' });
  const chosen = h('p', { id: 'patient-chosen', class: 'chosen', 'aria-live': 'polite' }, 'No patient chosen yet.');
  const type = h('select', {}, d.types.map((t) => h('option', { value: t.uuid }, `${t.name} (${t.duration_minutes} min)`))) as HTMLSelectElement;
  const provider = h('select', {}, d.providers.map((p) => h('option', { value: p.uuid, selected: p.uuid === seed.provider }, ctx.providerName(p)))) as HTMLSelectElement;
  const operatory = h('select', {}, h('option', { value: '' }, 'Any free chair'), d.operatories.map((o) => h('option', { value: o.uuid, selected: o.uuid === seed.operatory }, o.name))) as HTMLSelectElement;
  const date = h('input', { type: 'date', required: true, value: seed.start ? datePart(seed.start) : d.date }) as HTMLInputElement;
  const time = h('input', { type: 'time', step: '300', required: true, value: seed.start ? hhmm(seed.start) : '09:00' }) as HTMLInputElement;
  const length = h('input', { type: 'number', min: '5', step: '5', required: true }) as HTMLInputElement;
  const notes = h('textarea', { rows: '2', maxlength: '2000' }) as HTMLTextAreaElement;
  const openings = h('ul', { id: 'openings', class: 'openings', 'aria-label': 'First openings per day' });
  const message = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'book-submit' }, 'Book');

  const typeLength = () => d.types.find((t) => t.uuid === type.value)?.duration_minutes ?? 30;
  length.value = String(seed.start && seed.end ? Math.max(5, minutesOf(seed.start, seed.end)) : typeLength());
  type.addEventListener('change', () => { length.value = String(typeLength()); });

  let searchSeq = 0;
  search.addEventListener('input', () => {
    const q = search.value.trim();
    const seq = ++searchSeq;
    if (q.length < 2) { clear(results); search.setAttribute('aria-expanded', 'false'); return; }
    void d.api.searchPatients(q).then((items) => {
      if (seq !== searchSeq) return;
      clear(results, items.map((p) => h('li', { role: 'option', 'aria-selected': 'false' },
        h('button', { type: 'button', class: 'pick', onclick: () => choose(p) }, `${p.last_name}, ${p.first_name} — born ${p.date_of_birth}`))));
      if (items.length === 0) results.append(h('li', { class: 'help' }, 'No patient found. Add them as a new patient below.'));
      search.setAttribute('aria-expanded', 'true');
      ctx.announce(`${items.length} patient${items.length === 1 ? '' : 's'} found.`);
    }).catch(async (err: unknown) => { message.textContent = await ctx.explain(err); });
  });
  const choose = (p: Pick<Patient, 'uuid' | 'first_name' | 'last_name'>) => {
    patient = p;
    chosen.textContent = `Patient: ${p.first_name} ${p.last_name}`;
    clear(results);
    search.setAttribute('aria-expanded', 'false');
    type.focus();
    ctx.announce(`Chose ${p.first_name} ${p.last_name}.`);
  };

  // New patient, inline.
  const first = h('input', { autocomplete: 'off' }) as HTMLInputElement;
  const last = h('input', { autocomplete: 'off' }) as HTMLInputElement;
  const dob = h('input', { type: 'date' }) as HTMLInputElement;
  const phone = h('input', { type: 'tel', autocomplete: 'off' }) as HTMLInputElement;
  const newPatient = h('details', { class: 'new-patient' },
    h('summary', {}, 'New patient'),
    h('div', { class: 'grid' },
      field('np-first', 'First name', first), field('np-last', 'Last name', last),
      field('np-dob', 'Date of birth', dob), field('np-phone', 'Phone (optional)', phone)),
    h('button', { type: 'button', id: 'np-create', onclick: () => void createPatient() }, 'Create patient'),
  );
  const createPatient = async () => {
    resetErrors(newPatient);
    try {
      const created = await d.api.createPatient({ first_name: first.value.trim(), last_name: last.value.trim(), date_of_birth: dob.value, primary_phone: phone.value.trim() || null }, patientKey);
      choose(created.value);
      (newPatient as HTMLDetailsElement).open = false;
    } catch (err) {
      if (!(err instanceof ApiProblem && pointAtField(newPatient, err, { first_name: 'np-first', last_name: 'np-last', date_of_birth: 'np-dob', primary_phone: 'np-phone' }))) message.textContent = await ctx.explain(err);
    }
  };

  const findOpenings = async () => {
    clear(openings, h('li', {}, 'Looking…'));
    try {
      const from = ctx.now().slice(0, 10) > date.value ? ctx.now().slice(0, 10) : date.value;
      const result = await d.api.availability(d.location.uuid, type.value, from, addDays(from, 13), provider.value || undefined);
      const firstPerDay = new Map<string, (typeof result.items)[number]>();
      for (const o of result.items) if (!firstPerDay.has(datePart(o.scheduled_start))) firstPerDay.set(datePart(o.scheduled_start), o);
      clear(openings, [...firstPerDay.values()].map((o) => h('li', {}, h('button', {
        type: 'button', class: 'opening', onclick: () => {
          date.value = datePart(o.scheduled_start); time.value = hhmm(o.scheduled_start);
          length.value = String(minutesOf(o.scheduled_start, o.scheduled_end));
          provider.value = o.provider.uuid;
          operatory.value = o.operatories[0]?.uuid ?? '';
          ctx.announce(`Chose ${shortDate(datePart(o.scheduled_start))} ${hhmm(o.scheduled_start)}.`);
          submit.focus();
        },
      }, `${shortDate(datePart(o.scheduled_start))} ${hhmm(o.scheduled_start)}–${hhmm(o.scheduled_end)}, ${ctx.providerName(o.provider)}`))));
      if (firstPerDay.size === 0) openings.append(h('li', {}, 'No openings in the next 14 days.'));
      ctx.announce(`${firstPerDay.size} day${firstPerDay.size === 1 ? '' : 's'} with openings.`);
    } catch (err) {
      clear(openings);
      message.textContent = await ctx.explain(err);
    }
  };

  let inFlight = false;
  const form = h('form', { class: 'book', novalidate: true },
    field('bk-patient', 'Find patient (name)', search, 'Type two letters or more, then pick from the list.'),
    results, chosen, newPatient,
    h('div', { class: 'grid' },
      field('bk-type', 'Appointment type', type),
      field('bk-provider', 'Provider', provider),
      field('bk-operatory', 'Chair', operatory),
      field('bk-date', 'Date', date),
      field('bk-time', `Start (${d.location.time_zone})`, time),
      field('bk-length', 'Length (minutes)', length)),
    h('button', { type: 'button', id: 'find-openings', onclick: () => void findOpenings() }, 'Find openings'),
    openings,
    field('bk-notes', 'Notes (optional)', notes),
    message,
    h('div', { class: 'actions' }, submit,
      h('button', {
        type: 'button', id: 'block-instead', onclick: () => {
          const start = `${date.value}T${time.value}:00`;
          close();
          openTimeOff(ctx, { start, end: addMinutes(start, Number(length.value) || typeLength()), operatory: operatory.value || seed.operatory, provider: seed.provider });
        },
      }, 'Block this time instead…'),
      h('button', { type: 'button', onclick: () => close() }, 'Close')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void book();
  });
  const book = async () => {
    if (inFlight) return;
    resetErrors(form);
    message.textContent = '';
    if (!patient) { message.textContent = 'Choose a patient first (search, or New patient).'; search.setAttribute('aria-invalid', 'true'); search.focus(); return; }
    inFlight = true;
    submit.disabled = true;
    const start = `${date.value}T${time.value}:00`;
    try {
      const booked = await d.api.book({
        patient_uuid: patient.uuid, appointment_type_uuid: type.value, location_uuid: d.location.uuid, provider_uuid: provider.value,
        ...(operatory.value ? { operatory_uuid: operatory.value } : {}),
        scheduled_start: start, scheduled_end: addMinutes(start, Number(length.value) || typeLength()),
        notes: notes.value.trim() || null,
      }, bookingKey);
      ctx.merge(booked.value, booked.etag);
      close();
      ctx.announce(`Booked: ${ctx.appointmentLabel(booked.value)}.`);
    } catch (err) {
      submit.disabled = false;
      if (err instanceof ApiProblem && err.status >= 400 && err.status < 500) bookingKey = newIdempotencyKey();
      const pointed = err instanceof ApiProblem && err.status === 422 && pointAtField(form, err, {
        patient_uuid: 'bk-patient', appointment_type_uuid: 'bk-type', provider_uuid: 'bk-provider', operatory_uuid: 'bk-operatory',
        scheduled_start: 'bk-time', scheduled_end: 'bk-length', notes: 'bk-notes',
      });
      message.textContent = pointed ? `Not booked: ${(err as ApiProblem).problem.detail}` : `Not booked. ${await ctx.explain(err)}`;
      ctx.announce(message.textContent);
    } finally {
      inFlight = false;
    }
  };
  body.append(form);
  search.focus();
  void el;
}

function minutesOf(start: string, end: string): number {
  return Math.round((Date.parse(`${wall(end)}Z`) - Date.parse(`${wall(start)}Z`)) / 60_000);
}

// ---------------------------------------------------------------- appointment

export function openAppointment(ctx: Ctx, uuid: string): void {
  const d = ctx.desk;
  const { el, body, close } = dialog('Appointment', 'appointment-dialog');
  const message = h('p', { class: 'notice', role: 'status' });
  const content = h('div', {});
  body.append(message, content);

  const render = (appt: Appointment, etag: string | null) => {
    const mark = STATUS_MARK[appt.status];
    const reason = h('input', { maxlength: '500' }) as HTMLInputElement;
    const buttons = allowedTransitions(appt.status, wall(appt.scheduled_start), ctx.now()).map((to) => h('button', {
      type: 'button', class: `status-action to-${to}`, 'data-status': to,
      onclick: () => void change(appt, etag, to, to === 'cancelled' ? reason.value.trim() || null : null),
    }, ACTION_LABEL[to]));
    const editable = appt.status === 'scheduled' || appt.status === 'confirmed';
    clear(content,
      h('dl', { class: 'details' },
        h('dt', {}, 'Patient'), h('dd', {}, `${appt.patient.first_name} ${appt.patient.last_name}`),
        h('dt', {}, 'Type'), h('dd', {}, appt.appointment_type.name),
        h('dt', {}, 'When'), h('dd', { id: 'appt-when' }, `${shortDate(datePart(appt.scheduled_start))} ${hhmm(appt.scheduled_start)}–${hhmm(appt.scheduled_end)} (${appt.time_zone})`),
        h('dt', {}, 'Provider'), h('dd', {}, ctx.providerName(appt.provider)),
        h('dt', {}, 'Chair'), h('dd', {}, appt.operatory.name),
        h('dt', {}, 'Status'), h('dd', { id: 'appt-status' }, h('span', { 'aria-hidden': 'true' }, `${mark.icon} `), mark.text),
        appt.notes ? h('dt', {}, 'Notes') : null, appt.notes ? h('dd', {}, appt.notes) : null,
      ),
      h('h3', {}, 'Status history'),
      h('ol', { class: 'history' }, appt.status_history.map((s) => h('li', {},
        `${s.from ? `${STATUS_MARK[s.from].text} → ` : 'Booked as '}${STATUS_MARK[s.to].text}`, s.reason ? ` (${s.reason})` : '', ` — ${s.at.replace('T', ' ').slice(0, 16)} UTC`))),
      buttons.length ? h('div', { class: 'status-actions', role: 'group', 'aria-label': 'Change status' }, buttons) : h('p', {}, 'No further status change is possible.'),
      buttons.some((b) => b.dataset.status === 'cancelled') ? field('cancel-reason', 'Reason for cancelling', reason) : null,
      editable ? h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'move-open', onclick: () => { close(); openMove(ctx, appt, etag); } }, 'Move…'),
        h('button', { type: 'button', id: 'cut', onclick: () => { close(); ctx.pin(appt, etag); } }, 'Cut (place on another day)')) : null,
    );
  };

  const load = async (note?: string) => {
    try {
      const got = await d.api.getAppointment(uuid);
      ctx.merge(got.value, got.etag);
      render(got.value, got.etag);
      if (note) message.textContent = note;
      // Read fresh, with its ETag: the buttons now send the version shown.
      el.dataset.loaded = 'true';
    } catch (err) {
      message.textContent = await ctx.explain(err);
    }
  };

  const change = async (appt: Appointment, etag: string | null, to: AppointmentStatus, reason: string | null) => {
    try {
      const changed = await d.api.setStatus(appt.uuid, etag, to, reason);
      ctx.merge(changed.value, changed.etag);
      render(changed.value, changed.etag);
      message.textContent = `Now ${STATUS_MARK[to].text}.`;
      ctx.announce(`${appt.patient.first_name} ${appt.patient.last_name}: ${STATUS_MARK[to].text}.`);
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 412) {
        await load('Someone else changed this appointment meanwhile. It was reloaded: check it and try again.');
        ctx.announce('Someone else changed this appointment; it was reloaded.');
      } else {
        message.textContent = await ctx.explain(err);
        ctx.announce(message.textContent);
      }
    }
  };

  const held = d.appts.get(uuid);
  if (held) render(held.appt, held.etag);
  void load();
}

// ---------------------------------------------------------------- move (keyboard path)

export function openMove(ctx: Ctx, appt: Appointment, etag: string | null, onDate?: string, onMoved?: () => void): void {
  const d = ctx.desk;
  const { body, close } = dialog(`Move ${appt.patient.first_name} ${appt.patient.last_name}`, 'move-dialog');
  const date = h('input', { type: 'date', value: onDate ?? datePart(appt.scheduled_start) }) as HTMLInputElement;
  const time = h('input', { type: 'time', step: '300', value: hhmm(appt.scheduled_start) }) as HTMLInputElement;
  const operatory = h('select', {}, d.operatories.map((o) => h('option', { value: o.uuid, selected: o.uuid === appt.operatory.uuid }, o.name))) as HTMLSelectElement;
  const message = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'move' },
    h('p', {}, `Now: ${ctx.appointmentLabel(appt)}`),
    h('div', { class: 'grid' }, field('mv-date', 'New date', date), field('mv-time', `New start (${appt.time_zone})`, time), field('mv-operatory', 'Chair', operatory)),
    message,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Move'), h('button', { type: 'button', onclick: () => close() }, 'Close')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const start = `${date.value}T${time.value}:00`;
    const length = minutesOf(appt.scheduled_start, appt.scheduled_end);
    const moveBody: { scheduled_start: string; scheduled_end: string; operatory_uuid?: string } = { scheduled_start: start, scheduled_end: addMinutes(start, length) };
    if (operatory.value !== appt.operatory.uuid) moveBody.operatory_uuid = operatory.value;
    void ctx.move(appt, etag, moveBody, () => undefined).then(async (ok) => {
      if (ok) { close(); onMoved?.(); }
      else message.textContent = 'Not moved: see the announcement below the book.';
    });
  });
  body.append(form);
  date.focus();
}

// ---------------------------------------------------------------- patients

export function openPatients(ctx: Ctx): void {
  const d = ctx.desk;
  const { body } = dialog('Patients', 'patients-dialog');
  const search = h('input', { type: 'search', autocomplete: 'off' }) as HTMLInputElement;
  const list = h('ul', { class: 'results', 'aria-label': 'Patients found' });
  const detail = h('section', { class: 'patient', 'aria-label': 'Patient' });
  let seq = 0;
  search.addEventListener('input', () => {
    const q = search.value.trim();
    const mine = ++seq;
    if (q.length < 2) { clear(list); return; }
    void d.api.searchPatients(q).then((items) => {
      if (mine !== seq) return;
      clear(list, items.map((p) => h('li', {}, h('button', { type: 'button', onclick: () => void open(p.uuid) }, `${p.last_name}, ${p.first_name} — born ${p.date_of_birth}`))));
      ctx.announce(`${items.length} patient${items.length === 1 ? '' : 's'} found.`);
    });
  });
  const open = async (uuid: string, note?: string) => {
    const [{ value: p, etag: readEtag }, appts] = await Promise.all([d.api.getPatient(uuid), d.api.patientAppointments(uuid)]);
    const first = h('input', { value: p.first_name }) as HTMLInputElement;
    const last = h('input', { value: p.last_name }) as HTMLInputElement;
    const dob = h('input', { type: 'date', value: p.date_of_birth }) as HTMLInputElement;
    const phone = h('input', { type: 'tel', value: p.primary_phone ?? '' }) as HTMLInputElement;
    const email = h('input', { type: 'email', value: p.email ?? '' }) as HTMLInputElement;
    const message = h('p', { class: 'notice', role: 'status' }, note ?? '');
    let etag = readEtag;
    const form = h('form', { class: 'patient-edit' },
      h('div', { class: 'grid' }, field('pt-first', 'First name', first), field('pt-last', 'Last name', last), field('pt-dob', 'Date of birth', dob), field('pt-phone', 'Phone', phone), field('pt-email', 'Email', email)),
      message, h('button', { type: 'submit', class: 'primary' }, 'Save patient'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      resetErrors(form);
      void d.api.updatePatient(uuid, etag, { first_name: first.value.trim(), last_name: last.value.trim(), date_of_birth: dob.value, primary_phone: phone.value.trim() || null, email: email.value.trim() || null })
        .then((saved) => { etag = saved.etag; message.textContent = 'Saved.'; ctx.announce('Patient saved.'); })
        .catch(async (err: unknown) => {
          if (err instanceof ApiProblem && err.status === 412) { await open(uuid, 'Someone else changed this patient meanwhile; it was reloaded. Check it and save again.'); return; }
          if (!(err instanceof ApiProblem && pointAtField(form, err, { first_name: 'pt-first', last_name: 'pt-last', date_of_birth: 'pt-dob', primary_phone: 'pt-phone', email: 'pt-email' }))) message.textContent = await ctx.explain(err);
        });
    });
    clear(detail, h('h3', {}, `${p.first_name} ${p.last_name}`), form, h('h4', {}, 'Appointments'),
      appts.length ? h('ul', {}, appts.map((a) => h('li', {}, `${shortDate(datePart(a.scheduled_start))} ${hhmm(a.scheduled_start)} ${a.appointment_type.name} — ${STATUS_MARK[a.status].text} (${a.location.name})`))) : h('p', {}, 'No appointments.'));
    first.focus();
  };
  body.append(field('pt-search', 'Search by name', search), list, detail);
  search.focus();
}

// ---------------------------------------------------------------- time off

export function openTimeOff(ctx: Ctx, seed: { start?: string; end?: string; operatory?: string; provider?: string }): void {
  const d = ctx.desk;
  const { body, close } = dialog('Block time', 'time-off-dialog');
  const who = h('select', {},
    h('optgroup', { label: 'Providers' }, d.providers.map((p) => h('option', { value: `p:${p.uuid}`, selected: p.uuid === seed.provider }, ctx.providerName(p)))),
    h('optgroup', { label: 'Chairs' }, d.operatories.map((o) => h('option', { value: `o:${o.uuid}`, selected: o.uuid === seed.operatory }, o.name)))) as HTMLSelectElement;
  const date = h('input', { type: 'date', value: seed.start ? datePart(seed.start) : d.date }) as HTMLInputElement;
  const from = h('input', { type: 'time', step: '300', value: seed.start ? hhmm(seed.start) : '12:00' }) as HTMLInputElement;
  const to = h('input', { type: 'time', step: '300', value: seed.end ? hhmm(seed.end) : '13:00' }) as HTMLInputElement;
  const reason = h('input', { maxlength: '200' }) as HTMLInputElement;
  const message = h('p', { class: 'notice', role: 'status' });
  const form = h('form', { class: 'time-off' },
    h('div', { class: 'grid' }, field('to-who', 'Block', who), field('to-date', 'Date', date), field('to-from', 'From', from), field('to-to', 'To', to), field('to-reason', 'Reason (optional)', reason)),
    message, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Block'), h('button', { type: 'button', onclick: () => close() }, 'Close')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    resetErrors(form);
    const [kind, id] = who.value.split(':');
    void d.api.createTimeOff({
      ...(kind === 'p' ? { provider_uuid: id } : { operatory_uuid: id }),
      location_uuid: d.location.uuid, start: `${date.value}T${from.value}:00`, end: `${date.value}T${to.value}:00`, reason: reason.value.trim() || null,
    }).then(async (t) => {
      const n = t.affected_appointments.length;
      message.textContent = n ? `Blocked. It affects ${n} appointment(s): ${t.affected_appointments.map((a) => hhmm(a.scheduled_start)).join(', ')}. They are not cancelled: call the patients.` : 'Blocked. No appointment is affected.';
      ctx.announce(message.textContent);
      await ctx.refresh();
    }).catch(async (err: unknown) => {
      if (!(err instanceof ApiProblem && pointAtField(form, err, { start: 'to-from', end: 'to-to', provider_uuid: 'to-who', operatory_uuid: 'to-who', reason: 'to-reason' }))) message.textContent = await ctx.explain(err);
    });
  });
  body.append(form);
  who.focus();
}
