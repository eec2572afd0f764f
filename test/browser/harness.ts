/**
 * The browser tests' harness.
 *
 * - Global setup (this module's default export, named in playwright.config.ts): starts `npm start
 *   -- --fresh` once for the run (which stops by itself if this runner dies without its teardown), with its own LOCAL_STATE_DIR and PORT=0, waits until it is ready,
 *   and hands its address, the demo organisation and the demo token (from the state folder's
 *   dev.json) to the workers through the environment. Its teardown stops the server with SIGTERM —
 *   which stops its DynamoDB Local, so no Java outlives the run — and SIGKILL if it hangs.
 * - Fixtures (`test` below): `baseURL` is the server's, `desk` its demo organisation and token, and
 *   `csp` records every Content-Security-Policy violation (`securitypolicyviolation` events) and
 *   every console error and page error of the test's page, so any test can assert there were none.
 *
 *   import { test, expect } from './harness.ts';
 *   test('…', async ({ page, desk, csp }) => { await page.goto('/desk'); …; csp.expectNone(); });
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, expect } from '@playwright/test';

export { expect };

const ROOT = resolve(import.meta.dirname, '..', '..');
const ENV = { url: 'DESK_TEST_BASE_URL', org: 'DESK_TEST_ORG_ID', token: 'DESK_TEST_TOKEN', stateDir: 'DESK_TEST_STATE_DIR' } as const;

/** What the server's dev.json says. */
type Dev = { api_url: string; org_id: string; api_token: string };

export type DeskServer = { baseURL: string; orgId: string; token: string; stateDir: string };

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGTERM');
  const stopped = await Promise.race([exited(proc).then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 60_000).unref())]);
  if (!stopped) {
    proc.kill('SIGKILL');
    await exited(proc);
  }
}

/** Starts the server for the run; returns the teardown. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const stateDir = mkdtempSync(join(tmpdir(), 'desk-browser-'));
  // STOP_WITH_PID: the server stops when this runner is gone, even if it is killed before its
  // teardown can run (a `timeout`, Ctrl-C twice, SIGKILL): no server or Java outlives the run.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOCAL_STATE_DIR: stateDir, STOP_WITH_PID: String(process.pid) };
  // A developer's shell, not a test run's DynamoDB.
  delete env.DYNAMODB_ENDPOINT;
  delete env.TABLE_NAME;
  // `npm start -- --fresh`, as one process so that the signals reach it.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts', '--fresh'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const teardown = async () => {
    await stop(proc);
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`npm start was not ready after 180 s:\n${output}`)), 180_000);
      const check = () => {
        if (output.includes('is running at')) {
          clearTimeout(timer);
          ready();
        }
      };
      proc.stdout?.on('data', check);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`npm start exited (${code ?? signal}) before it was ready:\n${output}`));
      });
    });
  } catch (error) {
    await teardown();
    throw error;
  }
  const dev = JSON.parse(readFileSync(join(stateDir, 'dev.json'), 'utf8')) as Dev;
  // Workers start after the global setup and inherit its environment.
  process.env[ENV.url] = dev.api_url;
  process.env[ENV.org] = dev.org_id;
  process.env[ENV.token] = dev.api_token;
  process.env[ENV.stateDir] = stateDir;
  return teardown;
}

function server(): DeskServer {
  const [baseURL, orgId, token, stateDir] = [ENV.url, ENV.org, ENV.token, ENV.stateDir].map((name) => process.env[name]);
  if (!baseURL || !orgId || !token || !stateDir) throw new Error('No server: run the browser tests with `npx playwright test` (its global setup starts one).');
  return { baseURL, orgId, token, stateDir };
}

/** A CSP violation as the page reported it. */
export type CspViolation = { directive: string; blockedURI: string; sourceFile: string; lineNumber: number };

export type CspRecorder = {
  violations: CspViolation[];
  /** Console errors and uncaught page errors (Chromium also logs each CSP refusal as one). */
  errors: string[];
  /**
   * Fails the test if the page reported any violation, or any error but those `allowErrors` match
   * (a test that sends a bad token on purpose allows Chromium's "Failed to load resource … 401").
   */
  expectNone(options?: { allowErrors?: readonly RegExp[] }): void;
};

export const test = base.extend<{ csp: CspRecorder }, { desk: DeskServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture needs from its first parameter: none here.
  desk: [async ({}, use) => use(server()), { scope: 'worker' }],
  baseURL: async ({ desk }, use) => use(desk.baseURL),
  csp: [
    async ({ page }, use) => {
      const recorder: CspRecorder = {
        violations: [],
        errors: [],
        expectNone(options = {}) {
          expect(recorder.violations, 'CSP violations').toEqual([]);
          const allowed = options.allowErrors ?? [];
          expect(recorder.errors.filter((text) => !allowed.some((re) => re.test(text))), 'console and page errors').toEqual([]);
        },
      };
      await page.exposeFunction('__deskTestCspViolation', (v: CspViolation) => recorder.violations.push(v));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          (window as unknown as { __deskTestCspViolation: (v: unknown) => void }).__deskTestCspViolation({
            directive: e.effectiveDirective,
            blockedURI: e.blockedURI,
            sourceFile: e.sourceFile,
            lineNumber: e.lineNumber,
          });
        });
      });
      page.on('console', (message) => {
        if (message.type() === 'error') recorder.errors.push(message.text());
      });
      page.on('pageerror', (error) => recorder.errors.push(`${error.name}: ${error.message}`));
      await use(recorder);
    },
    { auto: true },
  ],
});
