/**
 * Builds the CDK app: reads the stage, throttling, audit retention, CORS origins and the operations
 * choices (infra/stage-options.ts: log key, alarms, dashboard, tracing, route throttles) from context,
 * creates `DentalBooking-<stage>`, and registers cdk-nag's AWS Solutions and HIPAA Security checks so
 * that an unacknowledged finding of either fails synthesis.
 * Separate from app.ts (which only calls this and synthesizes) so tests can build the same app.
 */
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import {
  BookingStack,
  DEFAULT_AUDIT_RETENTION_DAYS,
  DEFAULT_THROTTLE,
  validateCorsOrigins,
  type TestCode,
  type ThrottleSettings,
} from './booking-stack.ts';
import { readStageOptions } from './stage-options.ts';

export const DEFAULT_STAGE = 'dev';

/** Stage names end up in the stack name and the API name: keep them short and plain. */
const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

export function stackName(stage: string): string {
  return `DentalBooking-${stage}`;
}

/**
 * `options.testCode` is for tests only (stub functions instead of esbuild bundles, see TestCode):
 * infra/app.ts never passes it, and the stack refuses it under the CDK CLI.
 */
export function createBookingApp(props: AppProps = {}, options: { testCode?: TestCode } = {}): { app: App; stack: BookingStack } {
  const app = new App(props);
  const stage = String(app.node.tryGetContext('stage') ?? DEFAULT_STAGE);
  if (!STAGE_PATTERN.test(stage)) {
    throw new Error(`Invalid stage "${stage}": use lower-case letters, digits and dashes (e.g. -c stage=dev).`);
  }

  // No `env`: the stack is environment-agnostic (no lookups), so it synthesizes without credentials
  // and deploys to whatever account and region the deploying credentials point at.
  const stack = new BookingStack(app, stackName(stage), {
    stage,
    description: `Dental booking API (${stage})`,
    throttle: readThrottle(app),
    auditRetentionDays: readPositiveInteger(app, 'auditRetentionDays', DEFAULT_AUDIT_RETENTION_DAYS),
    corsOrigins: readCorsOrigins(app),
    options: readStageOptions(app.node, stage),
    ...(options.testCode ? { testCode: options.testCode } : {}),
  });
  // verbose: findings come with the rule's explanation, not just its title.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true }),
    new HIPAASecurityChecks(app, { verbose: true }),
  );
  return { app, stack };
}

/** `-c throttleRateLimit=20 -c throttleBurstLimit=40` (strings from the CLI, numbers from cdk.json). */
function readThrottle(app: App): ThrottleSettings {
  return {
    rateLimit: readPositiveInteger(app, 'throttleRateLimit', DEFAULT_THROTTLE.rateLimit),
    burstLimit: readPositiveInteger(app, 'throttleBurstLimit', DEFAULT_THROTTLE.burstLimit),
  };
}

/** A positive integer from context: a string from the CLI, a number from cdk.json. */
function readPositiveInteger(app: App, key: string, fallback: number): number {
  const raw: unknown = app.node.tryGetContext(key);
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`Context ${key} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

/**
 * `-c corsOrigins=https://a.example,https://b.example` (a comma-separated string from the CLI) or an
 * array of strings in cdk.json. Absent: no CORS at all. A wildcard is rejected.
 */
function readCorsOrigins(app: App): string[] | undefined {
  const raw: unknown = app.node.tryGetContext('corsOrigins');
  if (raw === undefined) return undefined;
  let origins: string[];
  if (typeof raw === 'string') origins = raw.split(',').map((o) => o.trim()).filter((o) => o !== '');
  else if (Array.isArray(raw) && raw.every((o) => typeof o === 'string')) origins = raw.map((o: string) => o.trim());
  else throw new Error(`Context corsOrigins must be a comma-separated string or an array of strings, got ${JSON.stringify(raw)}`);
  return validateCorsOrigins(origins);
}
