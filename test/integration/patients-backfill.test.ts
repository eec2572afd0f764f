/**
 * `npm run admin -- backfill-patients`: patients from before lookups and duplicate markers (made
 * here by creating patients through the API and deleting those items, as the earlier release left
 * them) become findable by phone, email and birth date and caught as duplicates; a second run and a
 * dry run write nothing; legacy duplicates are reported by uuid and left intact; other
 * organisations are untouched; the output holds no patient data.
 */
import { describe, expect, it } from 'vitest';
import { DeleteCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { main } from '../../infra/admin/cli.ts';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { lookupsOf, markersOf } from '#shared/domain/patient-search.ts';
import { backfillPatients } from '#shared/domain/patient-backfill.ts';
import { createOrg } from '#shared/domain/settings.ts';
import { ALL_SCOPES } from '#shared/domain/tokens.ts';
import { tokenFor } from '../helpers/clinic.ts';
import { client } from '../helpers/local-api.ts';
import { SEEDED_PHI } from '../helpers/phi.ts';
import { useLocalApi } from '../helpers/use-clinic.ts';

const api = useLocalApi();
const DUPLICATE = 'urn:problem-type:dental-booking:possible-duplicate';

// Every value below is in SEEDED_PHI (test/helpers/phi.ts): none may appear in any output.
const QUIMBY = { first_name: 'Bartholomew', last_name: 'Quimby', date_of_birth: '1958-02-17', primary_phone: '+1-503-555-0199', email: 'B.Quimby@Example.net' };
const VASQUEZ = { first_name: 'Theodora', last_name: 'Vasquez-Lind', date_of_birth: '1964-09-23', primary_phone: '+44 20 7946 0958', email: 'teddy.vl@example.org' };
const NOPHONE = { first_name: 'Ignatius', last_name: 'Pemberton', date_of_birth: '1979-12-01' };

type Summary = {
  org_id: string;
  dry_run: boolean;
  patients_seen: number;
  patients_backfilled: number;
  entries_written: number;
  markers_claimed: number;
  markers_held_by_another: number;
  possible_duplicate_pairs: number;
  skipped: number;
};

/** The CLI in this process against this run's table; rejects with its output and exit code unless it exits 0. */
async function admin(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--table', tableName, '--endpoint', process.env.DYNAMODB_ENDPOINT!], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...process.env },
  });
  if (code !== 0) throw Object.assign(new Error(`admin ${args.join(' ')} exited with ${code}:\n${stderr}`), { code, stdout, stderr });
  return { stdout, stderr };
}

async function backfill(orgId: string, ...flags: string[]) {
  const out = await admin('backfill-patients', '--org', orgId, ...flags);
  const output = out.stdout + out.stderr;
  // No patient data, in any form a test patient has, in anything printed.
  const digits = [QUIMBY, VASQUEZ].map((p) => p.primary_phone.replace(/\D/g, ''));
  for (const value of [...SEEDED_PHI, ...digits, 'bartholomew', 'quimby', 'b.quimby@example.net']) expect(output.toLowerCase(), value).not.toContain(value.toLowerCase());
  return { summary: JSON.parse(out.stdout) as Summary, stderr: out.stderr };
}

/** A fresh organisation and a client with every scope. */
async function newPractice() {
  const org = await createOrg({ name: 'Backfill Dental', slot_granularity_minutes: 15, booking_horizon_days: 365 });
  const http = client(api.baseUrl, await tokenFor(org.uuid, ALL_SCOPES));
  const base = `/api/v1/${org.uuid}`;
  const create = async (body: Record<string, unknown>) => {
    const res = await http.post(`${base}/patients`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { uuid: string } & Record<string, unknown>;
  };
  const find = async (query: string) => {
    const res = await http.get(`${base}/patients?${query}`);
    expect(res.status).toBe(200);
    return (res.body.items as { uuid: string }[]).map((p) => p.uuid).sort();
  };
  return { orgId: org.uuid, http, base, create, find };
}

/** Makes a patient as the release before lookups left it: no lookup items, no markers, no version, no list of markers. */
async function makeLegacy(orgId: string, patient: typeof QUIMBY | typeof NOPHONE | Record<string, unknown>, patientId: string, archived = false, strip: 'all' | 'markers' = 'all') {
  const fields = { primary_phone: null, email: null, ...patient } as { first_name: string; last_name: string; date_of_birth: string; primary_phone: string | null; email: string | null };
  if (strip === 'all') for (const l of lookupsOf(fields)) await db.send(new DeleteCommand({ TableName: tableName, Key: keys.patientLookup(orgId, patientId, l.kind, l.hash) }));
  for (const m of markersOf(fields)) {
    await db.send(new DeleteCommand({ TableName: tableName, Key: keys.patientDuplicate(orgId, m.hash), ConditionExpression: 'attribute_not_exists(pk) OR patient_uuid = :me', ExpressionAttributeValues: { ':me': patientId } }));
  }
  await db.send(new UpdateCommand({ TableName: tableName, Key: keys.patient(orgId, patientId), UpdateExpression: archived ? 'REMOVE duplicate_markers' : 'REMOVE duplicate_markers, version' }));
}

/** Every item of an organisation, by key (a Scan: the test may, the product never does). */
async function orgItems(orgId: string): Promise<Map<string, unknown>> {
  const items = new Map<string, unknown>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new ScanCommand({ TableName: tableName, FilterExpression: 'begins_with(pk, :org)', ExpressionAttributeValues: { ':org': `ORG#${orgId}` }, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) items.set(`${item.pk}|${item.sk}`, item);
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

describe('backfill-patients', () => {
  it('makes legacy patients findable by phone, email and birth date, and caught as duplicates; a second run writes nothing', async () => {
    const practice = await newPractice();
    const quimby = await practice.create(QUIMBY);
    const pemberton = await practice.create(NOPHONE);
    const vasquez = await practice.create(VASQUEZ);
    // Archived (through the API) before the backfill: its search items sit in the archived partition.
    expect((await practice.http.call('PATCH', `${practice.base}/patients/${vasquez.uuid}`, { body: { is_active: false } })).status).toBe(200);
    await makeLegacy(practice.orgId, QUIMBY, quimby.uuid);
    await makeLegacy(practice.orgId, NOPHONE, pemberton.uuid);
    await makeLegacy(practice.orgId, VASQUEZ, vasquez.uuid, true);
    expect(await practice.find('phone=5035550199')).toEqual([]);
    expect((await practice.http.post(`${practice.base}/patients`, QUIMBY)).status).toBe(201 /* not caught: that is the gap */);

    // That second Quimby (created by the API just now) has its own lookups and holds the markers.
    const secondQuimby = (await practice.find('phone=5035550199'))[0]!;
    const { summary, stderr } = await backfill(practice.orgId);
    expect(summary).toEqual({
      org_id: practice.orgId,
      dry_run: false,
      patients_seen: 4,
      patients_backfilled: 3,
      entries_written: 3 + 1 + 3,
      markers_claimed: 1 + 3,
      markers_held_by_another: 3,
      possible_duplicate_pairs: 1,
      skipped: 0,
    });
    expect(stderr).toContain(`Possible duplicate: patient ${quimby.uuid} lacks its name, phone, email marker(s), held by patient ${secondQuimby}`);

    expect(await practice.find(`phone=${encodeURIComponent('(503) 555-0199')}`)).toEqual([quimby.uuid, secondQuimby].sort());
    expect(await practice.find('email=b.quimby%40example.NET')).toEqual([quimby.uuid, secondQuimby].sort());
    expect(await practice.find('date_of_birth=1979-12-01')).toEqual([pemberton.uuid]);
    expect(await practice.find('date_of_birth=1964-09-23')).toEqual([]);
    expect(await practice.find('date_of_birth=1964-09-23&include_archived=true')).toEqual([vasquez.uuid]);
    expect(await practice.find('phone=442079460958&include_archived=true')).toEqual([vasquez.uuid]);

    // Now caught: the same name and birth date, and the archived patient's email.
    const again = await practice.http.post(`${practice.base}/patients`, { ...NOPHONE, first_name: 'IGNATIUS' });
    expect(again.body).toMatchObject({ type: DUPLICATE, status: 409, existing_patient_uuid: pemberton.uuid });
    const byEmail = await practice.http.post(`${practice.base}/patients`, { first_name: 'Teddy', last_name: 'Lind', date_of_birth: VASQUEZ.date_of_birth, email: 'TEDDY.VL@example.org' });
    expect(byEmail.body).toMatchObject({ status: 409, existing_patient_uuid: vasquez.uuid });

    // The claimed markers are the patient's own: a change of its birth date releases them.
    const moved = await practice.http.call('PATCH', `${practice.base}/patients/${pemberton.uuid}`, { body: { date_of_birth: '1979-12-02' } });
    expect(moved.status).toBe(200);
    expect((await practice.http.post(`${practice.base}/patients`, NOPHONE)).status).toBe(201);

    const before = await orgItems(practice.orgId);
    const second = await backfill(practice.orgId);
    expect(second.summary).toMatchObject({ patients_backfilled: 0, entries_written: 0, markers_claimed: 0, markers_held_by_another: 3, possible_duplicate_pairs: 1, skipped: 0 });
    expect(await orgItems(practice.orgId)).toEqual(before);
  });

  it('--dry-run reports what it would do and writes nothing', async () => {
    const practice = await newPractice();
    const quimby = await practice.create(QUIMBY);
    const pemberton = await practice.create(NOPHONE);
    await makeLegacy(practice.orgId, QUIMBY, quimby.uuid);
    await makeLegacy(practice.orgId, NOPHONE, pemberton.uuid);

    const before = await orgItems(practice.orgId);
    const dry = await backfill(practice.orgId, '--dry-run');
    expect(dry.summary).toEqual({
      org_id: practice.orgId,
      dry_run: true,
      patients_seen: 2,
      patients_backfilled: 2,
      entries_written: 4,
      markers_claimed: 4,
      markers_held_by_another: 0,
      possible_duplicate_pairs: 0,
      skipped: 0,
    });
    expect(dry.stderr).toContain('Dry run, nothing written.');
    expect(await orgItems(practice.orgId)).toEqual(before);

    const real = await backfill(practice.orgId);
    expect({ ...real.summary, dry_run: true }).toEqual(dry.summary);
  });

  it('reports two legacy duplicates by uuid, leaves the marker to the first, and changes neither record', async () => {
    const practice = await newPractice();
    const first = await practice.create(QUIMBY);
    // The same person twice, with different phones and no email (allowed then, as legacy data can be).
    const second = await practice.create({ ...QUIMBY, primary_phone: '+1-503-555-0100', email: undefined, allow_duplicate: true });
    await makeLegacy(practice.orgId, QUIMBY, first.uuid);
    await makeLegacy(practice.orgId, { ...QUIMBY, primary_phone: '+1-503-555-0100', email: null }, second.uuid);
    const read = async (id: string) => (await practice.http.get(`${practice.base}/patients/${id}`)).body;
    const records = [await read(first.uuid), await read(second.uuid)];

    // A dry run sees the conflict too: one of the two would claim the name marker.
    const dry = await backfill(practice.orgId, '--dry-run');
    expect(dry.summary).toMatchObject({ markers_claimed: 4, markers_held_by_another: 1, possible_duplicate_pairs: 1 });

    const { summary, stderr } = await backfill(practice.orgId);
    expect(summary).toMatchObject({ patients_seen: 2, patients_backfilled: 2, entries_written: 3 + 2, markers_claimed: 3 + 1, markers_held_by_another: 1, possible_duplicate_pairs: 1, skipped: 0 });
    const line = stderr.split('\n').find((l) => l.startsWith('Possible duplicate'))!;
    const [, lacking, holder] = /patient (\S+) lacks its name marker\(s\), held by patient (\S+) /.exec(line)!;
    expect([lacking, holder].sort()).toEqual([first.uuid, second.uuid].sort());

    // Both records read as before; the name marker names its holder, each phone marker its own patient.
    expect([await read(first.uuid), await read(second.uuid)]).toEqual(records);
    expect((await practice.http.post(`${practice.base}/patients`, { ...QUIMBY, primary_phone: null, email: null })).body).toMatchObject({ status: 409, existing_patient_uuid: holder });
    for (const [patient, phone] of [[first, '+1-503-555-0199'], [second, '+1-503-555-0100']] as const) {
      const res = await practice.http.post(`${practice.base}/patients`, { first_name: 'Other', last_name: 'Person', date_of_birth: QUIMBY.date_of_birth, primary_phone: phone });
      expect(res.body).toMatchObject({ status: 409, existing_patient_uuid: patient.uuid });
    }
    expect(await practice.find(`date_of_birth=${QUIMBY.date_of_birth}`)).toEqual([first.uuid, second.uuid].sort());
  });

  it('works on the organisation named only', async () => {
    const mine = await newPractice();
    const other = await newPractice();
    const a = await mine.create(QUIMBY);
    const b = await other.create(QUIMBY);
    await makeLegacy(mine.orgId, QUIMBY, a.uuid);
    await makeLegacy(other.orgId, QUIMBY, b.uuid);
    const untouched = await orgItems(other.orgId);

    expect((await backfill(mine.orgId)).summary).toMatchObject({ patients_seen: 1, entries_written: 3, markers_claimed: 3 });
    expect(await orgItems(other.orgId)).toEqual(untouched);
    expect(await other.find('phone=5035550199')).toEqual([]);
    expect(await mine.find('phone=5035550199')).toEqual([a.uuid]);
  });

  it('pages through the index: every patient seen once, however the pages fall', async () => {
    const practice = await newPractice();
    const made = [];
    for (let i = 0; i < 7; i++) {
      // Multi-word names: several name-token items per patient, spread over the pages.
      const patient = { first_name: `Ignatius Ann${i}`, last_name: 'Pemberton', date_of_birth: `1979-12-0${i + 1}`, primary_phone: `+1-503-555-010${i}` };
      const { uuid } = await practice.create(patient);
      await makeLegacy(practice.orgId, patient, uuid);
      made.push(uuid);
    }
    const summary = await backfillPatients(practice.orgId, { dryRun: false, pageItems: 3 });
    expect(summary).toMatchObject({ patients_seen: 7, patients_backfilled: 7, entries_written: 14, markers_claimed: 14, skipped: 0 });
    expect(await practice.find('query=pemberton&page_size=100')).toEqual([...made].sort());
    for (let i = 0; i < 7; i++) expect(await practice.find(`phone=503555010${i}`)).toEqual([made[i]]);
    expect((await backfillPatients(practice.orgId, { dryRun: false, pageItems: 2 })).patients_seen).toBe(7);
  });

  // A front desk changes the phone just before the backfill's first transaction (its own transaction
  // passes through untouched: the hook fires once). Without lookups the lookup puts' conditions catch
  // it; with lookups (only markers missing) and allow_duplicate, only the patient's version does.
  it.each([
    { legacy: 'no lookups, no markers', strip: 'all', change: {} },
    { legacy: 'lookups, no markers', strip: 'markers', change: { allow_duplicate: true } },
  ] as const)('a change made by the API between its read and its write wins ($legacy): read again, nothing stale written', async ({ strip, change }) => {
    const practice = await newPractice();
    const quimby = await practice.create(QUIMBY);
    await makeLegacy(practice.orgId, QUIMBY, quimby.uuid, false, strip);
    let armed = true;
    const name = 'backfill-race';
    db.middlewareStack.add(
      (next, context) => async (args) => {
        if (armed && (context.commandName ?? '').startsWith('TransactWrite')) {
          armed = false;
          const res = await practice.http.call('PATCH', `${practice.base}/patients/${quimby.uuid}`, { body: { primary_phone: '+1-503-555-0100', ...change } });
          expect(res.status).toBe(200);
        }
        return next(args);
      },
      { step: 'initialize', name, override: true },
    );
    let summary;
    try {
      summary = await backfillPatients(practice.orgId, { dryRun: false });
    } finally {
      db.middlewareStack.remove(name);
    }
    expect(armed).toBe(false);
    expect(summary).toMatchObject({ patients_seen: 1, skipped: 0, entries_written: 0 });
    expect(await practice.find('phone=5035550199')).toEqual([]);
    expect(await practice.find('phone=5035550100')).toEqual([quimby.uuid]);
    // No marker of the old phone was left claimed for it.
    const other = { first_name: 'Other', last_name: 'Person', date_of_birth: QUIMBY.date_of_birth };
    expect((await practice.http.post(`${practice.base}/patients`, { ...other, primary_phone: QUIMBY.primary_phone })).status).toBe(201);
    // Whatever it holds now is listed on it: a change of birth date releases every marker.
    expect((await practice.http.call('PATCH', `${practice.base}/patients/${quimby.uuid}`, { body: { date_of_birth: '1958-02-18' } })).status).toBe(200);
    expect((await practice.http.post(`${practice.base}/patients`, { ...QUIMBY, primary_phone: '+1-503-555-0100' })).status).toBe(201);
  });

  it('needs --org (exit 2) of an organisation that exists (exit 1)', async () => {
    await expect(admin('backfill-patients')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('backfill-patients needs --org <uuid>') });
    await expect(admin('backfill-patients', '--org', 'nope', '--dry-run')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: npm run admin') });
    await expect(admin('backfill-patients', '--org', '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('No organisation') });
  });
});
