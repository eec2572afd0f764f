/**
 * The audit trail: reads of patient records and changes of patients and appointments leave entries
 * (when, token, org, action, entity, request), newest first, readable by admin tokens only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { TestClinic } from '../helpers/clinic.ts';
import { client } from '../helpers/local-api.ts';
import { useClinic, type LocalApi } from '../helpers/use-clinic.ts';
import { auditItems } from '../helpers/table.ts';
import { createOrg } from '#shared/domain/settings.ts';
import { createToken } from '#shared/domain/tokens.ts';
import { AUDIT_RETENTION_DAYS } from '#shared/domain/audit.ts';
import type { AuditEntry } from '#shared/schemas/audit.ts';

type AuditPage = { items: AuditEntry[]; page: number; page_size: number; total: number };

const fixture = useClinic();
let api: LocalApi;
let clinic: TestClinic;
let base: string;
/** Admin (reads the trail), and a read/write token whose id the entries must name. */
let admin: ReturnType<typeof client>;
let staff: ReturnType<typeof client>;
let staffTokenId: string;
let adminTokenId: string;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let dayCounter = 0;
function futureDay(): string {
  dayCounter += 1;
  return DateTime.now().setZone('America/Los_Angeles').plus({ days: 40 + dayCounter }).toISODate()!;
}

function booking(day: string, start: string, end: string) {
  return {
    patient_uuid: clinic.patients.jonathan.uuid,
    appointment_type_uuid: clinic.types.exam.uuid,
    location_uuid: clinic.location.uuid,
    provider_uuid: clinic.dentist.uuid,
    operatory_uuid: clinic.operatories[0]!.uuid,
    scheduled_start: `${day}T${start}`,
    scheduled_end: `${day}T${end}`,
  };
}

async function trail(entityUuid: string, query = ''): Promise<AuditPage> {
  const res = await admin.get<AuditPage>(`${base}/audit?entity_uuid=${entityUuid}${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

const actions = (page: AuditPage) => page.items.map((e) => e.action);

beforeAll(async () => {
  ({ api, clinic, base } = fixture);
  const adminToken = await createToken(clinic.orgId, { scopes: ['admin'], label: 'audit admin' });
  const staffToken = await createToken(clinic.orgId, { scopes: ['read', 'write'], label: 'front desk' });
  admin = client(api.baseUrl, adminToken.secret);
  staff = client(api.baseUrl, staffToken.secret);
  adminTokenId = adminToken.token_id;
  staffTokenId = staffToken.token_id;
});

describe('reads of patient records', () => {
  it('GET /patients/{uuid} records a patient.read by the token, with the request id', async () => {
    const jane = clinic.patients.jane.uuid;
    const before = (await trail(jane)).total;
    expect((await staff.get(`${base}/patients/${jane}`)).status).toBe(200);
    const after = await trail(jane);
    expect(after.total).toBe(before + 1);
    const entry = after.items[0]!;
    expect(entry).toEqual({
      at: expect.any(String),
      token_id: staffTokenId,
      org_id: clinic.orgId,
      action: 'patient.read',
      entity_type: 'patient',
      entity_uuid: jane,
      request_id: expect.stringMatching(UUID),
    });
    expect(Date.now() - Date.parse(entry.at)).toBeLessThan(60_000);
    expect(entry.token_id).not.toBe(adminTokenId);
  });

  it('a search records one patient.read per patient on the returned page, all with that request id', async () => {
    const { jane, jonathan } = clinic.patients;
    const before = [(await trail(jane.uuid)).total, (await trail(jonathan.uuid)).total];
    const res = await staff.get(`${base}/patients?query=smith&page=1&page_size=1`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const shown = res.body.items[0].uuid as string;
    const hidden = shown === jane.uuid ? jonathan.uuid : jane.uuid;
    const [shownTrail, hiddenTrail] = [await trail(shown), await trail(hidden)];
    expect(shownTrail.total).toBe(before[shown === jane.uuid ? 0 : 1]! + 1);
    expect(hiddenTrail.total).toBe(before[shown === jane.uuid ? 1 : 0]);
    expect(shownTrail.items[0]).toMatchObject({ action: 'patient.read', token_id: staffTokenId });

    // Both on one page: one entry each, one request.
    await staff.get(`${base}/patients?query=smith`);
    const [a, b] = [(await trail(jane.uuid)).items[0]!, (await trail(jonathan.uuid)).items[0]!];
    expect([a.action, b.action]).toEqual(['patient.read', 'patient.read']);
    expect(a.request_id).toBe(b.request_id);
    expect(a.request_id).not.toBe(shownTrail.items[0]!.request_id);
  });

  it("a patient's appointments record a patient.read of that patient", async () => {
    const jane = clinic.patients.jane.uuid;
    const before = (await trail(jane)).total;
    expect((await staff.get(`${base}/patients/${jane}/appointments`)).status).toBe(200);
    const after = await trail(jane);
    expect(after.total).toBe(before + 1);
    expect(after.items[0]).toMatchObject({ action: 'patient.read', entity_uuid: jane, token_id: staffTokenId });
  });

  it('a read of an unknown patient records nothing', async () => {
    const ghost = '00000000-0000-4000-8000-000000000000';
    expect((await staff.get(`${base}/patients/${ghost}`)).status).toBe(404);
    expect((await trail(ghost)).total).toBe(0);
  });
});

describe('changes', () => {
  it('creating a patient records patient.create; an idempotent replay records nothing more', async () => {
    const body = { first_name: 'Audrey', last_name: 'Trail', date_of_birth: '1990-02-03' };
    const headers = { 'idempotency-key': `audit-${Date.now()}` };
    const res = await staff.post(`${base}/patients`, body, { headers });
    expect(res.status).toBe(201);
    const again = await staff.post(`${base}/patients`, body, { headers });
    expect(again.status).toBe(201);
    expect(again.body.uuid).toBe(res.body.uuid);
    const page = await trail(res.body.uuid);
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({ action: 'patient.create', entity_type: 'patient', token_id: staffTokenId, org_id: clinic.orgId });
  });

  it('booking, moving and a status change each record an entry, newest first', async () => {
    const day = futureDay();
    const booked = await staff.post(`${base}/appointments`, booking(day, '09:00:00', '10:00:00'), { headers: { 'idempotency-key': `book-${day}` } });
    expect(booked.status).toBe(201);
    const id = booked.body.uuid as string;
    // The same request again is answered from the key's record: no second appointment.create.
    const replay = await staff.post(`${base}/appointments`, booking(day, '09:00:00', '10:00:00'), { headers: { 'idempotency-key': `book-${day}` } });
    expect(replay.status).toBe(201);
    expect(replay.body.uuid).toBe(id);

    const moved = await staff.call('PATCH', `${base}/appointments/${id}`, { body: { scheduled_start: `${day}T10:00:00`, scheduled_end: `${day}T11:00:00` } });
    expect(moved.status).toBe(200);
    const confirmed = await staff.call('PATCH', `${base}/appointments/${id}/status`, { body: { status: 'confirmed' } });
    expect(confirmed.status).toBe(200);

    const page = await trail(id);
    expect(actions(page)).toEqual(['appointment.status', 'appointment.update', 'appointment.create']);
    expect(page.items.every((e) => e.entity_type === 'appointment' && e.entity_uuid === id && e.token_id === staffTokenId)).toBe(true);
    expect(new Set(page.items.map((e) => e.request_id)).size).toBe(3);
    const times = page.items.map((e) => e.at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('a refused booking (409) records no appointment.create', async () => {
    const day = futureDay();
    const first = await staff.post(`${base}/appointments`, booking(day, '13:00:00', '14:00:00'));
    expect(first.status).toBe(201);
    const clash = await staff.post(`${base}/appointments`, booking(day, '13:30:00', '14:30:00'));
    expect(clash.status).toBe(409);
    expect(actions(await trail(first.body.uuid))).toEqual(['appointment.create']);
    // Nothing for the refused one anywhere: every appointment.create of the patient's bookings is one we got a 201 for.
    const ids = (await staff.get(`${base}/patients/${clinic.patients.jonathan.uuid}/appointments?page_size=100`)).body.items.map((a: { uuid: string }) => a.uuid);
    for (const appointmentId of ids) expect(actions(await trail(appointmentId)).filter((a) => a === 'appointment.create')).toHaveLength(1);
  });

  it('a refused status change records nothing', async () => {
    const day = futureDay();
    const booked = await staff.post(`${base}/appointments`, booking(day, '15:00:00', '16:00:00'));
    const id = booked.body.uuid as string;
    expect((await staff.call('PATCH', `${base}/appointments/${id}/status`, { body: { status: 'completed' } })).status).toBe(409);
    expect(actions(await trail(id))).toEqual(['appointment.create']);
  });
});

describe('GET /audit', () => {
  it('pages newest first', async () => {
    const jane = clinic.patients.jane.uuid;
    for (let i = 0; i < 3; i++) expect((await staff.get(`${base}/patients/${jane}`)).status).toBe(200);
    const all = await trail(jane, '&page_size=100');
    expect(all.total).toBeGreaterThanOrEqual(4);
    const times = all.items.map((e) => e.at);
    expect(times).toEqual([...times].sort().reverse());

    const first = await trail(jane, '&page=1&page_size=2');
    const second = await trail(jane, '&page=2&page_size=2');
    expect(first).toMatchObject({ page: 1, page_size: 2, total: all.total });
    expect(first.items).toEqual(all.items.slice(0, 2));
    expect(second.items).toEqual(all.items.slice(2, 4));
    const beyond = await trail(jane, '&page=1000&page_size=100');
    expect(beyond).toMatchObject({ items: [], total: all.total });
  });

  it('is for admin tokens only', async () => {
    const res = await staff.get(`${base}/audit?entity_uuid=${clinic.patients.jane.uuid}`);
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain(clinic.patients.jane.uuid);
  });

  it("never shows another organisation's entries", async () => {
    const other = await createOrg({ name: 'Another clinic', slot_granularity_minutes: 15, booking_horizon_days: 365 });
    const otherAdmin = client(api.baseUrl, (await createToken(other.uuid, { scopes: ['admin'], label: 'other admin' })).secret);
    const jane = clinic.patients.jane.uuid;
    expect((await trail(jane)).total).toBeGreaterThan(0);
    const onOurPath = await otherAdmin.get(`${base}/audit?entity_uuid=${jane}`);
    expect(onOurPath.status).toBe(403);
    const onTheirs = await otherAdmin.get<AuditPage>(`/api/v1/${other.uuid}/audit?entity_uuid=${jane}`);
    expect(onTheirs.status).toBe(200);
    expect(onTheirs.body).toMatchObject({ items: [], total: 0 });
  });

  it('asks for an entity uuid', async () => {
    expect((await admin.get(`${base}/audit`)).status).toBe(400);
    expect((await admin.get(`${base}/audit?entity_uuid=not-a-uuid`)).status).toBe(400);
  });
});

describe('retention', () => {
  it('entries expire (TTL) the retention after they were written', async () => {
    const jane = clinic.patients.jane.uuid;
    const started = Math.floor(Date.now() / 1000);
    expect((await staff.get(`${base}/patients/${jane}`)).status).toBe(200);
    const [item] = (await auditItems(clinic.orgId, jane)).sort((a, b) => (a.sk < b.sk ? 1 : -1));
    expect(AUDIT_RETENTION_DAYS).toBe(Number(process.env.AUDIT_RETENTION_DAYS ?? 2190));
    const expected = started + AUDIT_RETENTION_DAYS * 86_400;
    expect(item!.expires_at as number).toBeGreaterThanOrEqual(expected);
    expect(item!.expires_at as number).toBeLessThan(expected + 60);
  });
});
