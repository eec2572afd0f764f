/**
 * Webhooks under `npm start`, as a developer tries them (README, "Webhooks"): a real `npm start`
 * (its own DynamoDB Local, the table's stream read into the dispatcher, retries as timers) and a real
 * `npm run webhook:listen`, which verifies each request's Standard Webhooks signature with the
 * endpoint's secret (the `standardwebhooks` package) and prints one line per event.
 *
 * - booked → the listener gets a signed appointment.booked;
 * - the listener stopped → the attempt fails, is logged with its next attempt; started again → the
 *   retry arrives;
 * - `npm start` stopped while a retry is pending, started again → the retry still arrives.
 *
 * No timed assertion: every wait is for an outcome, with a generous deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { freePort } from '../../infra/local/dynamodb-local.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const stateDir = mkdtempSync(join(tmpdir(), 'dental-webhooks-e2e-'));
const running = new Set<ChildProcess>();

type Dev = { api_url: string; org_id: string; api_token: string };
type Proc = { proc: ChildProcess; output: () => string };

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 150_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function exited(proc: ChildProcess) {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => proc.once('exit', () => r()));
}

function run(args: string[], env: NodeJS.ProcessEnv, ready: string): Promise<Proc> {
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  let output = '';
  proc.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  return waitFor(`"${ready}" from ${args[0]}`, () => {
    if (proc.exitCode !== null) throw new Error(`${args[0]} exited early:\n${output}`);
    return output.includes(ready);
  }).then(() => ({ proc, output: () => output }));
}

async function stop({ proc }: Proc) {
  proc.kill('SIGTERM');
  await exited(proc);
}

/** `npm start` with this test's state folder (a developer's shell: no test table or endpoint). */
async function startApi(): Promise<Proc & { dev: Dev }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOCAL_STATE_DIR: stateDir, LOG_LEVEL: 'INFO' };
  delete env.DYNAMODB_ENDPOINT;
  delete env.TABLE_NAME;
  // What `npm start` sets itself (its own key file; local receivers allowed), not the test run's.
  delete env.WEBHOOK_KEY;
  delete env.WEBHOOKS_ALLOW_LOCAL_HTTP;
  const started = await run(['infra/local/start.ts'], env, 'is running at');
  return { ...started, dev: JSON.parse(readFileSync(join(stateDir, 'dev.json'), 'utf8')) as Dev };
}

/** `npm run webhook:listen -- --port <port> --secret <secret>`. */
const startListener = (port: number, secret: string) =>
  run(['infra/local/webhook-listen.ts', '--port', String(port), '--secret', secret], { ...process.env }, 'Listening for webhooks');

/** The listener's event lines: time, type, id, verified. */
const eventLines = (listener: Proc) =>
  listener
    .output()
    .split('\n')
    .filter((line) => / (verified|NOT verified)$/.test(line))
    .map((line) => {
      const [time, type, id, ...rest] = line.split(' ');
      return { time, type, id, verified: rest.join(' ') === 'verified' };
    });

async function call(dev: Dev, method: string, path: string, body?: unknown) {
  const res = await fetch(`${dev.api_url}/api/v1/${dev.org_id}${path}`, {
    method,
    headers: { authorization: `Bearer ${dev.api_token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** The n-th weekday (Dr Chen works Monday to Friday) from two weeks ahead, at the demo clinic. */
function weekday(n: number): string {
  const days: string[] = [];
  for (let d = DateTime.now().setZone('America/Los_Angeles').plus({ days: 14 }); days.length <= n; d = d.plus({ days: 1 })) {
    if (d.weekday <= 5) days.push(d.toISODate()!);
  }
  return days[n]!;
}

/** Books Jane Smith with Dr Chen, an hour at 10:00 on the n-th weekday from two weeks ahead (the demo clinic). */
async function book(dev: Dev, n: number) {
  const day = weekday(n);
  const res = await call(dev, 'POST', '/appointments', {
    patient_uuid: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
    appointment_type_uuid: 'b2c3d4e5-f6a7-8901-bcde-f12345678901',
    location_uuid: 'c3d4e5f6-a7b8-9012-cdef-123456789012',
    provider_uuid: 'd4e5f6a7-b8c9-0123-defa-234567890123',
    scheduled_start: `${day}T10:00:00`,
    scheduled_end: `${day}T11:00:00`,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.uuid as string;
}

/** The endpoint's delivery log (newest first). */
const attempts = async (dev: Dev, endpoint: string) => {
  const res = await call(dev, 'GET', `/webhooks/${endpoint}/deliveries`);
  expect(res.status).toBe(200);
  return res.body.items as Array<{ delivery_uuid: string; attempt: number; status_code: number | null; error_class: string | null; next_attempt_at: string | null }>;
};

afterAll(async () => {
  for (const proc of running) {
    proc.kill('SIGKILL');
    await exited(proc);
  }
  rmSync(stateDir, { recursive: true, force: true });
});

describe('webhooks under `npm start`', () => {
  it('delivers a signed appointment.booked; retries when the listener was down; and after a restart of npm start', async () => {
    let api = await startApi();
    const port = await freePort();
    const created = await call(api.dev, 'POST', '/webhooks', { url: `http://127.0.0.1:${port}/hooks`, event_types: ['appointment.*'], description: 'e2e listener' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const endpoint = created.body.uuid as string;
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^whsec_/);

    // 1. Booked: the listener gets it, signed.
    let listener = await startListener(port, secret);
    await book(api.dev, 0);
    const [first] = await waitFor('the first delivery', () => eventLines(listener).length >= 1 && eventLines(listener));
    expect(first).toMatchObject({ type: 'appointment.booked', verified: true });
    expect(first!.id).toMatch(/^evt_/);
    // Never payload data on the listener's lines: no patient, no uuid of the booking.
    expect(listener.output()).not.toMatch(/Jane|Smith|a1b2c3d4/);

    // 2. The listener down: the attempt fails and a retry is due; the listener back: the retry arrives.
    await stop(listener);
    await book(api.dev, 1);
    const failed = await waitFor('a failed attempt with a next attempt', async () =>
      (await attempts(api.dev, endpoint)).find((a) => a.attempt === 1 && a.error_class === 'connection' && a.next_attempt_at !== null),
    );
    listener = await startListener(port, secret);
    const [retried] = await waitFor('the retry', () => eventLines(listener).length >= 1 && eventLines(listener));
    expect(retried).toMatchObject({ type: 'appointment.booked', verified: true });
    expect(retried!.id).not.toBe(first!.id);
    await waitFor('the retry in the delivery log', async () =>
      (await attempts(api.dev, endpoint)).find((a) => a.delivery_uuid === failed.delivery_uuid && a.attempt === 2 && a.status_code === 204),
    );

    // 3. A retry pending when npm start stops: after a restart it still arrives.
    await stop(listener);
    await book(api.dev, 2);
    const pending = await waitFor('the third booking\'s failed attempt', async () =>
      (await attempts(api.dev, endpoint)).find((a) => a.delivery_uuid !== failed.delivery_uuid && a.attempt === 1 && a.error_class === 'connection' && a.next_attempt_at !== null),
    );
    await stop(api);
    listener = await startListener(port, secret);
    api = await startApi();
    const [afterRestart] = await waitFor('the retry after the restart', () => eventLines(listener).length >= 1 && eventLines(listener));
    expect(afterRestart).toMatchObject({ type: 'appointment.booked', verified: true });
    expect([first!.id, retried!.id]).not.toContain(afterRestart!.id);
    await waitFor('that retry in the delivery log', async () =>
      (await attempts(api.dev, endpoint)).find((a) => a.delivery_uuid === pending.delivery_uuid && a.status_code === 204),
    );
    expect(eventLines(listener).every((line) => line.verified)).toBe(true);
    await stop(listener);
    await stop(api);
  }, 600_000);
});
