/**
 * DynamoDB Local under supervision: when its Java dies, `npm start` starts it again on the same port
 * and data folder and the API answers again — 503 with Retry-After meanwhile, never a 500 — without
 * restarting `npm start`. No restart while shutting down, none after SIGKILL of `npm start` (the
 * watchdog ends the new Java too), and a crash loop gives up with a clear message, leaving no Java.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { createClient } from '#shared/db/client-factory.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
const running = new Set<ChildProcess>();

type Dev = { api_url: string; org_id: string; api_token: string };

function tempDir(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** pid and parent pid of every Java process running DynamoDB Local whose command line has `marker`. */
function dynamoJava(marker: string): { pid: number; ppid: number }[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[2]?.endsWith('java') && f.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && f.some((arg) => arg.includes(marker)))
    .map((f) => ({ pid: Number(f[0]), ppid: Number(f[1]) }));
}

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
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

/** `npm start` with its own state folder, as one process so signals reach it; waits until ready. */
async function start(stateDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOCAL_STATE_DIR: stateDir, LOG_LEVEL: 'INFO' };
  delete env.DYNAMODB_ENDPOINT;
  delete env.TABLE_NAME;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  let output = '';
  proc.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  await waitFor('the ready message', () => {
    if (proc.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    return output.includes('is running at');
  });
  const dev = JSON.parse(readFileSync(join(stateDir, 'dev.json'), 'utf8')) as Dev;
  return { proc, dev, output: () => output };
}

/** One request with the demo token; a generous deadline, so a hang fails the test rather than stalls it. */
async function listTypes(dev: Dev) {
  const res = await fetch(`${dev.api_url}/api/v1/${dev.org_id}/appointment-types`, {
    headers: { authorization: `Bearer ${dev.api_token}` },
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, type: res.headers.get('content-type'), retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

const restartLines = (output: string) => output.split('\n').filter((line) => line.includes('DynamoDB Local exited unexpectedly'));

afterAll(async () => {
  for (const proc of running) {
    proc.kill('SIGKILL');
    await exited(proc);
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm start supervises DynamoDB Local', () => {
  it('starts a killed Java again on the same port and data: 503 meanwhile, then 200 with the same token; SIGTERM restarts nothing', async () => {
    const stateDir = tempDir('dental-supervisor-');
    const { proc, dev, output } = await start(stateDir);
    expect((await listTypes(dev)).status).toBe(200);
    const [java] = dynamoJava(stateDir);
    expect(java).toBeDefined();
    const port = execFileSync('ps', ['-o', 'args=', '-p', String(java!.pid)], { encoding: 'utf8' }).match(/-port (\d+)/)?.[1];

    process.kill(java!.pid, 'SIGKILL');
    // Until DynamoDB Local is back, every answer is 503 problem+json with Retry-After — never a 500.
    const during: number[] = [];
    await waitFor('the API to answer 200 again', async () => {
      const res = await listTypes(dev);
      if (res.status !== 200) {
        expect(res.status).toBe(503);
        expect(res.type).toMatch(/^application\/problem\+json/);
        expect(Number(res.retryAfter)).toBeGreaterThan(0);
      }
      during.push(res.status);
      return res.status === 200;
    });
    // Java takes seconds to start: the first request after the kill cannot have found it back.
    expect(during[0]).toBe(503);
    expect((await listTypes(dev)).body.total).toBe(3);

    const lines = restartLines(output());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`port ${port}`);
    expect(lines[0]).toContain(join(stateDir, 'dynamodb'));
    const [again] = dynamoJava(stateDir);
    expect(again!.pid).not.toBe(java!.pid);
    expect(execFileSync('ps', ['-o', 'args=', '-p', String(again!.pid)], { encoding: 'utf8' })).toContain(`-port ${port}`);

    proc.kill('SIGTERM');
    await exited(proc);
    expect(proc.exitCode).toBe(0);
    expect(restartLines(output())).toHaveLength(1);
    expect(dynamoJava(stateDir)).toEqual([]);
  }, 240_000);

  it('leaves no Java behind when `npm start` is killed with SIGKILL after a restart', async () => {
    const stateDir = tempDir('dental-supervisor-kill-');
    const { proc, dev } = await start(stateDir);
    const [java] = dynamoJava(stateDir);
    process.kill(java!.pid, 'SIGKILL');
    await waitFor('the API to answer 200 again', async () => (await listTypes(dev)).status === 200);
    expect(dynamoJava(stateDir)).toHaveLength(1);
    proc.kill('SIGKILL');
    await exited(proc);
    await waitFor('the restarted DynamoDB Local to stop after SIGKILL', () => dynamoJava(stateDir).length === 0, 30_000);
  }, 240_000);
});

describe('a supervised DynamoDB Local', () => {
  it('keeps its data across a restart, and gives up after too many quick crashes, leaving no Java', async () => {
    const dbPath = tempDir('dental-supervisor-data-');
    const restarts: string[] = [];
    let gaveUp: Error | undefined;
    const dynamo = await startDynamoDbLocal({
      dbPath,
      supervise: { onRestart: (line) => restarts.push(line), onGiveUp: (error) => (gaveUp = error), maxRestarts: 1, windowMs: 600_000 },
    });
    const ddb = createClient(dynamo.endpoint, 'local');
    try {
      await ddb.send(
        new CreateTableCommand({
          TableName: 'kept',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
      const first = dynamoJava(dbPath);
      expect(first).toHaveLength(1);
      expect(first[0]!.ppid).toBe(dynamo.pid);

      process.kill(first[0]!.pid, 'SIGKILL');
      await waitFor('the restart', () => dynamo.pid !== first[0]!.ppid);
      const tables = await waitFor('DynamoDB Local to answer on the same port', () =>
        ddb.send(new ListTablesCommand({})).then(
          (out) => out.TableNames,
          () => undefined,
        ),
      );
      expect(tables).toEqual(['kept']);
      expect(restarts).toHaveLength(1);
      expect(gaveUp).toBeUndefined();

      const second = dynamoJava(dbPath);
      expect(second).toHaveLength(1);
      process.kill(second[0]!.pid, 'SIGKILL');
      const error = await waitFor('it to give up', () => gaveUp);
      expect(error.message).toMatch(/exited 2 times within 600 s .*not starting it again/);
      expect(restarts).toHaveLength(1);
      await waitFor('no DynamoDB Local left', () => dynamoJava(dbPath).length === 0, 30_000);
    } finally {
      ddb.destroy();
      await dynamo.stop();
    }
    expect(dynamoJava(dbPath)).toEqual([]);
  }, 240_000);

  it('is not started again when it is stopped', async () => {
    const restarts: string[] = [];
    const dynamo = await startDynamoDbLocal({ supervise: { onRestart: (line) => restarts.push(line), onGiveUp: () => undefined } });
    const pid = dynamo.pid;
    await dynamo.stop();
    // A restart would have begun as the watchdog exited, i.e. before stop() returned.
    expect(restarts).toEqual([]);
    expect(dynamo.pid).toBe(pid);
    expect(dynamoJava(String(dynamo.port))).toEqual([]);
  }, 240_000);
});
