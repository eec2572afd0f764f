/**
 * The booking guide, end to end, against `npm start` as a developer runs it: a real process that
 * starts its own DynamoDB Local, loads the demo clinic and serves HTTP. Also checks what the
 * command promises around it: data survives a restart, the demo is not loaded twice, and no Java
 * process outlives it — after SIGTERM, and after SIGKILL, when no exit handler can run.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createBookingClient } from '#shared/contract/client.ts';
import { contractMiddleware } from '../helpers/contract.ts';
import { SEEDED_PHI } from '../helpers/phi.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const stateDir = mkdtempSync(join(tmpdir(), 'dental-e2e-'));
const devFile = join(stateDir, 'dev.json');
let current: ChildProcess | undefined;

type Dev = { api_url: string; org_id: string; api_token: string };

/** Java processes of DynamoDB Local serving this test's data folder. */
function dynamoJavaPids(): number[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(stateDir) && line.trim().split(/\s+/)[1]?.endsWith('java'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The environment of a developer's shell: no DynamoDB endpoint or table of the test run. */
function startEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOCAL_STATE_DIR: stateDir, LOG_LEVEL: 'INFO' };
  delete env.DYNAMODB_ENDPOINT;
  delete env.TABLE_NAME;
  return env;
}

/** Runs `npm start` (as one process, so signals reach it) and waits until it says it is ready. */
async function start(options: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<{ proc: ChildProcess; dev: Dev; output: () => string }> {
  const env = { ...startEnv(), ...options.env };
  const proc = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts', ...(options.args ?? [])], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  current = proc;
  let output = '';
  proc.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  await waitFor('the ready message', () => {
    if (proc.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    return output.includes('is running at');
  });
  const dev = JSON.parse(readFileSync(join(env.LOCAL_STATE_DIR!, 'dev.json'), 'utf8')) as Dev;
  return { proc, dev, output: () => output };
}

function exited(proc: ChildProcess) {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => proc.once('exit', () => r()));
}

/** The typed client generated from the OpenAPI document; every response is checked against it. */
function api(dev: Dev) {
  return createBookingClient({ baseUrl: dev.api_url, token: dev.api_token, middleware: [contractMiddleware] });
}

afterAll(async () => {
  if (current && current.exitCode === null) {
    current.kill('SIGKILL');
    await exited(current);
  }
  rmSync(stateDir, { recursive: true, force: true });
});

describe('the booking guide against `npm start`', () => {
  let bookedId = '';
  // Two weeks ahead, moved to a weekday: the demo's Dr. Chen works Monday to Friday (a run on a weekend would book a Saturday or Sunday).
  const twoWeeks = DateTime.now().setZone('America/Los_Angeles').plus({ days: 14 });
  const day = twoWeeks.plus({ days: twoWeeks.weekday > 5 ? 8 - twoWeeks.weekday : 0 }).toISODate();

  it('runs the four steps as the guide writes them', async () => {
    const { proc, dev, output } = await start();
    expect(dev.api_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(dev.api_token).toMatch(/^dbk_/);
    expect(output()).toContain('/appointment-types?is_active=true');

    // 1. Find the patient: the guide's response, to the letter.
    const client = api(dev);
    const org_id = dev.org_id;
    const search = await client.GET('/api/v1/{org_id}/patients', { params: { path: { org_id }, query: { query: 'Smith', page: 1, page_size: 5 } } });
    expect(search.response.status).toBe(200);
    expect(search.data).toEqual({
      items: [
        { uuid: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890', first_name: 'Jane', last_name: 'Smith', date_of_birth: '1986-04-12', primary_phone: '+1-415-555-0148', email: 'jane.smith@example.com', preferred_provider_uuid: 'd4e5f6a7-b8c9-0123-defa-234567890123', is_active: true, archived_at: null },
        { uuid: 'f0e1d2c3-b4a5-6789-0123-456789abcdef', first_name: 'Jonathan', last_name: 'Smith', date_of_birth: '1972-11-30', primary_phone: '+1-415-555-0223', email: 'j.smith@example.com', preferred_provider_uuid: null, is_active: true, archived_at: null },
      ],
      page: 1,
      page_size: 5,
      total: 2,
    });

    // 2. The appointment types: the guide's three.
    const types = await client.GET('/api/v1/{org_id}/appointment-types', { params: { path: { org_id }, query: { is_active: 'true' } } });
    expect(types.response.status).toBe(200);
    expect(types.data?.total).toBe(3);
    expect(types.data?.items).toEqual(
      expect.arrayContaining([
        { uuid: 'b2c3d4e5-f6a7-8901-bcde-f12345678901', code: 'NPE', name: 'New Patient Exam', duration_minutes: 60, color: '#4f46e5', requires_exam: true, is_active: true },
        { uuid: 'c4d5e6f7-a8b9-0123-cdef-345678901234', code: 'HYG', name: 'Hygiene / Cleaning', duration_minutes: 45, color: '#059669', requires_exam: false, is_active: true },
        { uuid: 'e6f7a8b9-c0d1-2345-efab-567890123456', code: 'EMG', name: 'Emergency Visit', duration_minutes: 30, color: '#dc2626', requires_exam: true, is_active: true },
      ]),
    );

    // 3. Book: the guide's body with a future date.
    const body = {
      patient_uuid: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
      appointment_type_uuid: 'b2c3d4e5-f6a7-8901-bcde-f12345678901',
      location_uuid: 'c3d4e5f6-a7b8-9012-cdef-123456789012',
      provider_uuid: 'd4e5f6a7-b8c9-0123-defa-234567890123',
      scheduled_start: `${day}T10:00:00`,
      scheduled_end: `${day}T11:00:00`,
      notes: 'New patient — first visit',
    };
    const booked = await client.POST('/api/v1/{org_id}/appointments', { params: { path: { org_id } }, body });
    expect(booked.response.status).toBe(201);
    expect(booked.data).toMatchObject({
      status: 'scheduled',
      patient: { uuid: body.patient_uuid, first_name: 'Jane', last_name: 'Smith' },
      appointment_type: { uuid: body.appointment_type_uuid, name: 'New Patient Exam', duration_minutes: 60, color: '#4f46e5' },
      scheduled_start: body.scheduled_start,
      scheduled_end: body.scheduled_end,
      location: { uuid: body.location_uuid, name: 'Main Street Dental' },
      provider: { uuid: body.provider_uuid, first_name: 'Michael', last_name: 'Chen', title: 'DDS' },
      notes: body.notes,
    });
    bookedId = booked.data!.uuid;

    // The same window again is the guide's 409.
    const again = await client.POST('/api/v1/{org_id}/appointments', { params: { path: { org_id } }, body: { ...body, patient_uuid: 'f0e1d2c3-b4a5-6789-0123-456789abcdef' } });
    expect(again.response.status).toBe(409);
    expect(again.error?.conflicts?.[0]).toMatchObject({ resource: 'provider', appointment_uuid: bookedId });

    // 4. Read the confirmation back.
    const read = await client.GET('/api/v1/{org_id}/appointments/{appointment_uuid}', { params: { path: { org_id, appointment_uuid: bookedId } } });
    expect(read.response.status).toBe(200);
    expect(read.data).toEqual(booked.data);

    // Everything `npm start` printed while serving the guide: structured logs, and no patient data.
    expect(output()).toContain('"message":"request"');
    expect(SEEDED_PHI.filter((value) => output().includes(value))).toEqual([]);

    // SIGTERM stops the server and DynamoDB Local with it.
    expect(dynamoJavaPids()).toHaveLength(1);
    proc.kill('SIGTERM');
    await exited(proc);
    expect(proc.exitCode).toBe(0);
    expect(dynamoJavaPids()).toEqual([]);
  });

  it('keeps data across restarts without loading the demo twice, and leaves no Java behind after SIGKILL', async () => {
    const before = JSON.parse(readFileSync(devFile, 'utf8')) as Dev;
    const { proc, dev } = await start();
    expect(dev.api_token).toBe(before.api_token);
    const client = api(dev);
    const org_id = dev.org_id;
    expect((await client.GET('/api/v1/{org_id}/appointments/{appointment_uuid}', { params: { path: { org_id, appointment_uuid: bookedId } } })).response.status).toBe(200);
    expect((await client.GET('/api/v1/{org_id}/patients', { params: { path: { org_id }, query: { query: 'Smith' } } })).data?.total).toBe(2);
    expect((await client.GET('/api/v1/{org_id}/appointment-types', { params: { path: { org_id } } })).data?.total).toBe(3);

    // A crash that runs no handler at all: the watchdog still ends Java.
    expect(dynamoJavaPids()).toHaveLength(1);
    proc.kill('SIGKILL');
    await exited(proc);
    await waitFor('DynamoDB Local to stop after SIGKILL', () => dynamoJavaPids().length === 0, 15_000);
  });

  it('starts fresh with --fresh', async () => {
    const { proc, dev } = await start({ args: ['--fresh'] });
    const client = api(dev);
    const org_id = dev.org_id;
    expect((await client.GET('/api/v1/{org_id}/appointments/{appointment_uuid}', { params: { path: { org_id, appointment_uuid: bookedId } } })).response.status).toBe(404);
    expect((await client.GET('/api/v1/{org_id}/patients', { params: { path: { org_id }, query: { query: 'Smith' } } })).data?.total).toBe(2);
    proc.kill('SIGINT');
    await exited(proc);
    expect(dynamoJavaPids()).toEqual([]);
  });
});

describe('npm start with DYNAMODB_ENDPOINT', () => {
  it('uses the DynamoDB it is given and starts no Java of its own', async () => {
    const { startDynamoDbLocal } = await import('../../infra/local/dynamodb-local.ts');
    const external = await startDynamoDbLocal();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'dental-e2e-endpoint-'));
      const { proc, dev, output } = await start({ env: { LOCAL_STATE_DIR: dir, DYNAMODB_ENDPOINT: external.endpoint } });
      expect(output()).toContain(external.endpoint);
      const javaProcesses = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('DynamoDBLocal.jar') && l.includes(dir));
      expect(javaProcesses).toEqual([]);
      const found = await api(dev).GET('/api/v1/{org_id}/patients', { params: { path: { org_id: dev.org_id }, query: { query: 'jane' } } });
      expect(found.data?.total).toBe(1);
      proc.kill('SIGTERM');
      await exited(proc);
      rmSync(dir, { recursive: true, force: true });
    } finally {
      await external.stop();
    }
  });
});
