/**
 * Clinical notes on appointments: append-only notes that only `clinical` tokens read and write,
 * amendments that leave the original readable, oldest-first pages, one audit entry per write and per
 * read, and a note's text nowhere else (not in the appointment, its lists, the audit trail, errors
 * or logs: the texts are in SEEDED_PHI, which the log capture checks after this file).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { createToken } from '#shared/domain/tokens.ts';
import { MAX_NOTE_LENGTH } from '#shared/schemas/clinical-notes.ts';
import type { AuditEntry } from '#shared/schemas/audit.ts';
import type { TestClinic } from '../helpers/clinic.ts';
import { client, type ApiResponse } from '../helpers/local-api.ts';
import { CLINICAL_NOTE_PHI } from '../helpers/phi.ts';
import { useClinic, type Client } from '../helpers/use-clinic.ts';
import { injectFaults, type FaultRule } from '../helpers/faults.ts';

type Note = {
  uuid: string;
  appointment_uuid: string;
  text: string;
  created_at: string;
  author: { token_id: string; label: string };
  amends: string | null;
  reason: string | null;
  amended_by: string[];
};
type NotePage = { items: Note[]; page: number; page_size: number; total: number };

const [FINDING, CORRECTION, ALLERGY] = CLINICAL_NOTE_PHI;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

const fixture = useClinic();
let clinic: TestClinic;
let base: string;
/** `clinical` only: reads and writes notes, nothing else. */
let clinician: Client;
let clinicianTokenId: string;
/** `read` and `write`: a front desk, which books and reads appointments but never sees a note. */
let frontDesk: Client;
/** `admin`: reads the audit trail. */
let admin: Client;
/** Every scope (the clinic's token): books the appointments the notes are written on. */
let http: Client;

let dayCounter = 0;
const freshDay = () => DateTime.now().setZone('America/Los_Angeles').plus({ days: 30 + ++dayCounter }).toISODate()!;

async function book(): Promise<string> {
  const day = freshDay();
  const res = await http.post(`${base}/appointments`, {
    patient_uuid: clinic.patients.jane.uuid,
    appointment_type_uuid: clinic.types.cleaning.uuid,
    location_uuid: clinic.location.uuid,
    provider_uuid: clinic.hygienist.uuid,
    scheduled_start: `${day}T09:00:00`,
    scheduled_end: `${day}T09:45:00`,
    notes: 'front desk: prefers mornings',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.uuid;
}

const notesPath = (appointmentId: string) => `${base}/appointments/${appointmentId}/notes`;
const write = (appointmentId: string, body: unknown, options: Parameters<Client['post']>[2] = {}) => clinician.post(notesPath(appointmentId), body, options);
async function list(appointmentId: string, query = ''): Promise<NotePage> {
  const res = await clinician.get<NotePage>(`${notesPath(appointmentId)}${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
async function trail(entityUuid: string): Promise<AuditEntry[]> {
  const res = await admin.get<{ items: AuditEntry[] }>(`${base}/audit?entity_uuid=${entityUuid}&page_size=100`);
  expect(res.status).toBe(200);
  return res.body.items;
}
/** Every item of the appointment's notes partition, as stored. */
async function storedNotes(appointmentId: string) {
  const out = await db.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.appointmentNoteCount(clinic.orgId, appointmentId).pk }, ConsistentRead: true }),
  );
  return out.Items ?? [];
}
const leaks = (res: ApiResponse, texts: readonly string[] = CLINICAL_NOTE_PHI) => texts.filter((t) => JSON.stringify(res.body).includes(t));

beforeAll(async () => {
  ({ clinic, base, http } = fixture);
  const baseUrl = fixture.api.baseUrl;
  const clinical = await createToken(clinic.orgId, { scopes: ['clinical'], label: 'Dr. Chen tablet' });
  clinicianTokenId = clinical.token_id;
  clinician = client(baseUrl, clinical.secret);
  frontDesk = client(baseUrl, (await createToken(clinic.orgId, { scopes: ['read', 'write'], label: 'front desk' })).secret);
  admin = client(baseUrl, (await createToken(clinic.orgId, { scopes: ['admin'], label: 'audit' })).secret);
});

describe('writing a note', () => {
  it('answers 201 with the note, its author token (id and label) and a Location of the notes list', async () => {
    const appointment = await book();
    const res = await write(appointment, { text: `  ${FINDING}\nRecheck in 6 weeks.  ` });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      appointment_uuid: appointment,
      text: `${FINDING}\nRecheck in 6 weeks.`,
      created_at: expect.stringMatching(/Z$/),
      author: { token_id: clinicianTokenId, label: 'Dr. Chen tablet' },
      amends: null,
      reason: null,
      amended_by: [],
    });
    expect(Date.now() - Date.parse(res.body.created_at)).toBeLessThan(60_000);
    expect(res.headers.get('location')).toBe(`${base}/appointments/${appointment}/notes`);
    expect((await list(appointment)).items).toEqual([res.body]);
  });

  it(`takes up to ${MAX_NOTE_LENGTH} characters; longer, empty or blank text is a 400 naming body.text that does not repeat it`, async () => {
    const appointment = await book();
    expect((await write(appointment, { text: 'x'.repeat(MAX_NOTE_LENGTH) })).status).toBe(201);
    for (const text of [`${ALLERGY} ${'y'.repeat(MAX_NOTE_LENGTH)}`, '', '   \n\t ', '\u200b']) {
      const res = await write(appointment, { text });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.text']);
      expect(leaks(res)).toEqual([]);
    }
    for (const body of [{}, { text: 'ok', extra: 1 }, { text: 42 }]) expect((await write(appointment, body)).status).toBe(400);
    expect((await list(appointment)).total).toBe(1);
  });

  it('on an unknown appointment is a 404 and writes nothing', async () => {
    const res = await write(UNKNOWN, { text: FINDING });
    expect(res.status).toBe(404);
    expect(leaks(res)).toEqual([]);
    expect(await storedNotes(UNKNOWN)).toEqual([]);
    expect(await trail(UNKNOWN)).toEqual([]);
  });

  it('records an appointment-note.create entry naming the appointment and the token, never the text', async () => {
    const appointment = await book();
    const before = await trail(appointment);
    expect((await write(appointment, { text: ALLERGY })).status).toBe(201);
    const after = await trail(appointment);
    expect(after.length).toBe(before.length + 1);
    expect(after[0]).toMatchObject({ action: 'appointment-note.create', entity_type: 'appointment', entity_uuid: appointment, token_id: clinicianTokenId });
    expect(JSON.stringify(after)).not.toContain(ALLERGY);
  });

  it('gives notes written at once each its own place (no two share one), all listed', async () => {
    const appointment = await book();
    const texts = Array.from({ length: 6 }, (_, i) => `parallel note ${i}`);
    const answers = await Promise.all(texts.map((text) => write(appointment, { text })));
    expect(answers.map((r) => r.status)).toEqual(texts.map(() => 201));
    const page = await list(appointment, '?page_size=100');
    expect(page.total).toBe(6);
    expect(page.items.map((n) => n.text).sort()).toEqual([...texts].sort());
    expect(new Set(page.items.map((n) => n.uuid)).size).toBe(6);
  });

  it('replays an Idempotency-Key: the same key and body give the first note and write nothing new; another body is a 422', async () => {
    const appointment = await book();
    const key = { headers: { 'idempotency-key': `note-${appointment}` } };
    const first = await write(appointment, { text: FINDING }, key);
    expect(first.status).toBe(201);
    const again = await write(appointment, { text: FINDING }, key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await write(appointment, { text: ALLERGY }, key);
    expect(other.status).toBe(422);
    expect(other.body.type).toMatch(/idempotency-key-reused$/);
    expect(leaks(other)).toEqual([]);
    expect((await list(appointment)).total).toBe(1);
  });
});

describe('amending a note', () => {
  it('is a new note with amends and reason; the original stays as written and lists it in amended_by', async () => {
    const appointment = await book();
    const original = (await write(appointment, { text: FINDING })).body;
    const res = await write(appointment, { text: CORRECTION, amends: original.uuid.toUpperCase(), reason: 'wrong tooth number' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ text: CORRECTION, amends: original.uuid, reason: 'wrong tooth number', amended_by: [] });
    const second = (await write(appointment, { text: 'Second correction', amends: original.uuid, reason: 'more detail' })).body;
    const page = await list(appointment);
    expect(page.items.map((n) => n.uuid)).toEqual([original.uuid, res.body.uuid, second.uuid]);
    expect(page.items[0]).toEqual({ ...original, amended_by: [res.body.uuid, second.uuid] });
    // An amendment can itself be amended.
    expect((await write(appointment, { text: 'Third', amends: second.uuid, reason: 'typo' })).status).toBe(201);
    expect((await list(appointment)).items[2]!.amended_by).toHaveLength(1);
  });

  it('needs a reason, and a reason needs amends: 422 naming body.reason, nothing written', async () => {
    const appointment = await book();
    const original = (await write(appointment, { text: FINDING })).body;
    for (const body of [{ text: CORRECTION, amends: original.uuid }, { text: CORRECTION, reason: 'why not' }]) {
      const res = await write(appointment, body);
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.reason']);
      expect(leaks(res)).toEqual([]);
    }
    expect((await list(appointment)).items).toEqual([original]);
  });

  it('of a note that does not exist, or belongs to another appointment, is a 422 naming body.amends; nothing written', async () => {
    const [mine, other] = [await book(), await book()];
    const original = (await write(mine, { text: FINDING })).body;
    const foreign = (await write(other, { text: ALLERGY })).body;
    for (const amends of [UNKNOWN, foreign.uuid]) {
      const res = await write(mine, { text: CORRECTION, amends, reason: 'wrong tooth number' });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.amends']);
      expect(leaks(res)).toEqual([]);
    }
    expect((await list(mine)).items).toEqual([original]);
    expect((await list(other)).items).toEqual([foreign]);
  });

  it('on an unknown appointment is a 404, not a 422', async () => {
    const res = await write(UNKNOWN, { text: CORRECTION, amends: UNKNOWN, reason: 'wrong tooth number' });
    expect(res.status).toBe(404);
  });
});

describe('reading notes', () => {
  it('lists them oldest first, a page at a time, with the total', async () => {
    const appointment = await book();
    const written: string[] = [];
    for (let i = 1; i <= 5; i++) written.push((await write(appointment, { text: `visit note ${i}` })).body.uuid);
    const pages = [await list(appointment, '?page=1&page_size=2'), await list(appointment, '?page=2&page_size=2'), await list(appointment, '?page=3&page_size=2')];
    expect(pages.map((p) => p.items.map((n) => n.uuid))).toEqual([written.slice(0, 2), written.slice(2, 4), written.slice(4)]);
    expect(pages.map((p) => [p.page, p.page_size, p.total])).toEqual([
      [1, 2, 5],
      [2, 2, 5],
      [3, 2, 5],
    ]);
    expect(await list(appointment, '?page=4&page_size=2')).toEqual({ items: [], page: 4, page_size: 2, total: 5 });
    const all = await list(appointment);
    expect([all.page_size, all.items.map((n) => n.text)]).toEqual([20, written.map((_, i) => `visit note ${i + 1}`)]);
  });

  it('of an appointment without notes is an empty page; of an unknown appointment a 404 that records nothing', async () => {
    const appointment = await book();
    expect(await list(appointment)).toEqual({ items: [], page: 1, page_size: 20, total: 0 });
    expect((await clinician.get(notesPath(UNKNOWN))).status).toBe(404);
    expect(await trail(UNKNOWN)).toEqual([]);
  });

  it('records one appointment-note.read entry per read, naming the appointment and the token', async () => {
    const appointment = await book();
    await write(appointment, { text: FINDING });
    const reads = async () => (await trail(appointment)).filter((e) => e.action === 'appointment-note.read');
    expect(await reads()).toEqual([]);
    await list(appointment);
    await list(appointment, '?page=2');
    const entries = await reads();
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry).toMatchObject({ entity_type: 'appointment', entity_uuid: appointment, token_id: clinicianTokenId });
    expect(entries[0]!.request_id).not.toBe(entries[1]!.request_id);
  });
});

describe('the clinical scope', () => {
  let appointment: string;
  beforeAll(async () => {
    appointment = await book();
    expect((await write(appointment, { text: ALLERGY })).status).toBe(201);
  });

  it('is needed for both routes: read, write or admin tokens get 403 and no note', async () => {
    for (const token of [frontDesk, admin]) {
      const read = await token.get(notesPath(appointment));
      const written = await token.post(notesPath(appointment), { text: 'front desk note' });
      expect([read.status, written.status]).toEqual([403, 403]);
      expect(read.body.detail).toContain('clinical');
      expect([...leaks(read), ...leaks(written)]).toEqual([]);
    }
    expect((await list(appointment)).total).toBe(1);
  });

  it('reaches notes only: a clinical-only token cannot book, read an appointment, a patient or the audit trail', async () => {
    const day = freshDay();
    const attempts = await Promise.all([
      clinician.post(`${base}/appointments`, {
        patient_uuid: clinic.patients.jane.uuid,
        appointment_type_uuid: clinic.types.cleaning.uuid,
        location_uuid: clinic.location.uuid,
        provider_uuid: clinic.hygienist.uuid,
        scheduled_start: `${day}T09:00:00`,
        scheduled_end: `${day}T09:45:00`,
      }),
      clinician.get(`${base}/appointments/${appointment}`),
      clinician.get(`${base}/patients/${clinic.patients.jane.uuid}`),
      clinician.get(`${base}/audit?entity_uuid=${appointment}`),
      clinician.call('PATCH', `${base}/appointments/${appointment}/status`, { body: { status: 'confirmed' } }),
    ]);
    expect(attempts.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
  });

  it('keeps note text out of the appointment, the day views, the patient’s appointments, search and the audit trail', async () => {
    const day = DateTime.now().setZone('America/Los_Angeles').plus({ days: 30 }).toISODate()!;
    const last = DateTime.fromISO(day).plus({ days: 30 }).toISODate()!;
    const views = await Promise.all([
      http.get(`${base}/appointments/${appointment}`),
      http.get(`${base}/appointments?date_from=${day}&date_to=${last}&page_size=100`),
      http.get(`${base}/patients/${clinic.patients.jane.uuid}/appointments?page_size=100`),
      http.get(`${base}/patients?query=jane`),
      admin.get(`${base}/audit?entity_uuid=${appointment}&page_size=100`),
    ]);
    expect(views.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    // The appointment's own front-desk `notes` field is untouched by clinical notes.
    expect(views[0]!.body.notes).toBe('front desk: prefers mornings');
    expect(JSON.stringify(views[1]!.body)).toContain(appointment);
    for (const view of views) expect(leaks(view)).toEqual([]);
    expect(Object.keys(views[0]!.body)).not.toContain('clinical_notes');
  });
});

describe('failures tell the truth', () => {
  async function underFaults(rule: FaultRule, request: () => Promise<ApiResponse>) {
    const faults = injectFaults(db, [rule]);
    try {
      return await request();
    } finally {
      faults.remove();
    }
  }

  it('a reply lost after every write: 201 (the note is found written), and the note is there once', async () => {
    const appointment = await book();
    const res = await underFaults({ command: 'TransactWriteItemsCommand', fault: 'timeout', when: 'after' }, () => write(appointment, { text: FINDING }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await list(appointment)).items).toEqual([res.body]);
  });

  it('DynamoDB throttling every write: 503 with Retry-After, nothing written (no note, no count, no audit entry)', async () => {
    const appointment = await book();
    const before = await trail(appointment);
    const res = await underFaults({ command: 'TransactWriteItemsCommand', fault: 'throttling' }, () => write(appointment, { text: FINDING }));
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(leaks(res)).toEqual([]);
    expect(await storedNotes(appointment)).toEqual([]);
    expect(await trail(appointment)).toEqual(before);
  });
});
