/**
 * Builds the CDK app: reads the stage and throttling from context, creates `DentalBooking-<stage>`,
 * and registers cdk-nag's AWS Solutions checks so that an unacknowledged finding fails synthesis.
 * Separate from app.ts (which only calls this and synthesizes) so tests can build the same app.
 */
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BookingStack, DEFAULT_THROTTLE, type ThrottleSettings } from './booking-stack.ts';

export const DEFAULT_STAGE = 'dev';

/** Stage names end up in the stack name and the API name: keep them short and plain. */
const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

export function stackName(stage: string): string {
  return `DentalBooking-${stage}`;
}

export function createBookingApp(props: AppProps = {}): { app: App; stack: BookingStack } {
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
  });
  // verbose: findings come with the rule's explanation, not just its title.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

/** `-c throttleRateLimit=20 -c throttleBurstLimit=40` (strings from the CLI, numbers from cdk.json). */
function readThrottle(app: App): ThrottleSettings {
  const read = (key: string, fallback: number): number => {
    const raw: unknown = app.node.tryGetContext(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`Context ${key} must be a positive integer, got ${String(raw)}`);
    return value;
  };
  return {
    rateLimit: read('throttleRateLimit', DEFAULT_THROTTLE.rateLimit),
    burstLimit: read('throttleBurstLimit', DEFAULT_THROTTLE.burstLimit),
  };
}
