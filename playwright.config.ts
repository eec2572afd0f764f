/**
 * Browser tests (test/browser/*.spec.ts): Debian's Chromium driven by @playwright/test against a real
 * `npm start -- --fresh` (test/browser/harness.ts starts it once for the run and stops it after).
 * No browser is downloaded (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1): the system's Chromium is used, at
 * CHROMIUM_PATH or /usr/lib/chromium/chromium. Generous timeouts: the run shares a small machine.
 */
import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const chromium = process.env.CHROMIUM_PATH || '/usr/lib/chromium/chromium';
if (!existsSync(chromium)) {
  throw new Error(
    `No Chromium at ${chromium}: the browser tests drive the system's Chromium. Install it with ` +
      '`apt-get install chromium` (Debian), or set CHROMIUM_PATH to a Chromium binary.',
  );
}

export default defineConfig({
  testDir: 'test/browser',
  testMatch: '**/*.spec.ts',
  globalSetup: './test/browser/harness.ts',
  // One server for the run and one browser at a time: the machine has two cores and the server
  // (with its DynamoDB Local) needs them too.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  outputDir: '.ci/out/playwright-results',
  reporter: process.env.CI ? [['list'], ['json', { outputFile: '.ci/out/playwright.json' }]] : [['list']],
  use: {
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    trace: 'retain-on-failure',
    launchOptions: { executablePath: chromium },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions: { executablePath: chromium } } }],
});
