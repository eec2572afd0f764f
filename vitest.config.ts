import { defineConfig } from 'vitest/config';

/**
 * `npm test` runs five projects, in three groups:
 * - integration (group 0, two files at a time) and integration-bursts (group 1, alone): the API
 *   in-process against a real DynamoDB Local started for the run;
 * - unit (pure logic, no I/O), infra (the synthesized CDK template and cdk-nag) and e2e (`npm start`
 *   as a user runs it, driven over HTTP): group 2, two files at a time.
 */

/** Integration files that fire bursts of concurrent requests and check races: never beside another file. */
const BURST_TESTS = [
  'test/integration/schedule-integrity.test.ts',
  'test/integration/stress.test.ts',
  'test/integration/concurrency.test.ts',
  'test/integration/lifecycle.model.test.ts',
];

/** What both integration projects share: the API in-process against a real DynamoDB Local. */
const integration = {
  globalSetup: ['test/helpers/dynamodb-global-setup.ts', 'test/helpers/desk-global-setup.ts'],
  setupFiles: ['test/helpers/dynamodb-env.ts', 'test/helpers/desk-env.ts', 'test/helpers/log-capture.ts'],
  // Log as in AWS, so the PHI check reads real log lines (captured, not printed).
  env: { LOG_LEVEL: 'INFO' },
  testTimeout: 30_000,
  hookTimeout: 30_000,
  // Each worker imports the API (every handler, the SDK, middy) once and runs its files one after
  // another in that module graph, instead of importing it again for every file: about 20 s of CPU
  // less per run. Files stay apart by organisation; the ones that add client middleware (faults,
  // unavailable, fuzz) take it off after each test, and log-capture.ts starts each file's capture anew.
  isolate: false,
};

export default defineConfig({
  test: {
    // CI also writes a JSON report, from which .ci/run prints its closing `N passed, N failed` line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/out/vitest.json' }]] : ['default'],
    // The SDK's notice that it will need Node 22 next year is noise in every test log. Webhook targets
    // on this machine (http://127.0.0.1) are allowed, as under `npm start` (shared/domain/webhooks.ts).
    env: { LOG_LEVEL: 'silent', AWS_REGION: 'local', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', WEBHOOK_KEY: 'dGVzdHMtb25seS13ZWJob29rLWtleS0zMi1ieXRlcyE=', WEBHOOKS_ALLOW_LOCAL_HTTP: 'true' },
    projects: [
      // After the integration projects (groups 0 and 1), the other three run together, two files at
      // a time (group 2): unit files are CPU, the infra file is mostly one synth, the e2e
      // files mostly wait on their child processes. vitest 4 sets maxWorkers per group, hence two groups.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false /* pure files: one module graph per worker */, maxWorkers: 2, testTimeout: 60_000, hookTimeout: 60_000 /* property tests on a loaded machine */, sequence: { groupOrder: 2 } } },
      {
        extends: true,
        test: {
          ...integration,
          name: 'integration',
          // Files share one DynamoDB Local and stay apart by organisation, so they run two at a time —
          // except the burst tests below, which measure races and get a DynamoDB Local to themselves.
          include: ['test/integration/**/*.test.ts'],
          exclude: BURST_TESTS,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          ...integration,
          name: 'integration-bursts',
          // Two at a time slowed DynamoDB Local enough that a burst (schedule-integrity) failed: one
          // file at a time, alone on the machine, after the rest of the integration tests.
          include: BURST_TESTS,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], maxWorkers: 2, sequence: { groupOrder: 2 }, testTimeout: 180_000, hookTimeout: 180_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // The e2e tests start Java eleven times and use each one briefly: its JIT compiler's
          // second tier and parallel GC only cost start-up CPU (about 2 of its 4 CPU-seconds).
          // `java` reads JDK_JAVA_OPTIONS; it reaches the Java under `npm start` through the environment.
          env: { JDK_JAVA_OPTIONS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' },
          // Its two files wait on child processes much of the time and share nothing (each its own
          // state folders and ports): both may run at once, beside the unit and infra files (group 1).
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
