import { defineConfig } from 'vitest/config';

/**
 * `npm test` runs four projects:
 * - unit: pure logic, no I/O;
 * - integration: the API in-process against a real DynamoDB Local started for the run;
 * - infra: the synthesized CDK template (and cdk-nag);
 * - e2e: `npm start` as a user runs it, driven over HTTP.
 */
export default defineConfig({
  test: {
    env: { LOG_LEVEL: 'silent', AWS_REGION: 'local' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/dynamodb-global-setup.ts'],
          setupFiles: ['test/helpers/dynamodb-env.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 90_000, hookTimeout: 90_000 } },
    ],
  },
});
