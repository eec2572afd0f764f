/**
 * Builds the CDK app: reads the stage, throttling, audit retention, CORS origins and the operations
 * choices (infra/stage-options.ts: log key, alarms, dashboard, tracing, route throttles, WAF) from context,
 * creates `DentalBooking-<stage>` — and, with `waf=true`, its web ACL's stack in us-east-1,
 * `DentalBooking-<stage>-waf` (infra/waf-stack.ts) — and registers cdk-nag's AWS Solutions and HIPAA Security checks so
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
import type { EdgeDomain } from './constructs/edge.ts';
import { readStageOptions } from './stage-options.ts';
import { WAF_REGION, WafStack, wafStackName } from './waf-stack.ts';

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
export function createBookingApp(props: AppProps = {}, options: { testCode?: TestCode } = {}): { app: App; stack: BookingStack; wafStack?: WafStack } {
  const app = new App(props);
  const stacks = createStageStacks(app, options);
  // verbose: findings come with the rule's explanation, not just its title.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true }),
    new HIPAASecurityChecks(app, { verbose: true }),
  );
  return { app, ...stacks };
}

/**
 * The stacks of the stage the app's context names (without cdk-nag: createBookingApp adds it; the
 * bench prices the stacks with this alone).
 *
 * With `waf=true` the web ACL lives in us-east-1 (AWS requires it of a web ACL for CloudFront) and the
 * stage's stack takes its ARN through a CDK cross-region reference (`crossRegionReferences`): the WAF
 * stack writes it to an SSM parameter in the stage's region and a custom resource of the stage's stack
 * reads it, at deploy time — no copy by hand, and CloudFormation refuses to delete the web ACL while
 * the stage uses it. That needs a concrete region for both stacks, so a stage behind the WAF names its
 * region: context `region`, else the region of the CLI's credentials (CDK_DEFAULT_REGION).
 */
export function createStageStacks(app: App, options: { testCode?: TestCode } = {}): { stack: BookingStack; wafStack?: WafStack } {
  const stage = String(app.node.tryGetContext('stage') ?? DEFAULT_STAGE);
  if (!STAGE_PATTERN.test(stage)) {
    throw new Error(`Invalid stage "${stage}": use lower-case letters, digits and dashes (e.g. -c stage=dev).`);
  }
  const stageOptions = readStageOptions(app.node, stage);
  const edgeDomain = readEdgeDomain(app);
  if (edgeDomain && !stageOptions.waf) throw new Error('Context wafDomainName and wafCertificateArn are for a stage with waf=true.');

  let wafStack: WafStack | undefined;
  let env: { region: string; account?: string } | undefined;
  if (stageOptions.waf) {
    const region = readRegion(app);
    const account = process.env.CDK_DEFAULT_ACCOUNT;
    env = { region, ...(account ? { account } : {}) };
    wafStack = new WafStack(app, wafStackName(stage), {
      stage,
      rateLimit: stageOptions.wafRateLimit,
      logKey: stageOptions.logKey,
      production: stageOptions.production,
      description: `Dental booking API (${stage}): AWS WAF web ACL for its CloudFront distribution`,
      env: { ...env, region: WAF_REGION },
      crossRegionReferences: true,
    });
  }

  // Without the WAF, no `env`: the stack is environment-agnostic (no lookups), so it synthesizes
  // without credentials and deploys to whatever account and region the deploying credentials point at.
  const stack = new BookingStack(app, stackName(stage), {
    stage,
    description: `Dental booking API (${stage})`,
    throttle: readThrottle(app),
    auditRetentionDays: readPositiveInteger(app, 'auditRetentionDays', DEFAULT_AUDIT_RETENTION_DAYS),
    corsOrigins: readCorsOrigins(app),
    options: stageOptions,
    ...(wafStack ? { env, crossRegionReferences: true, webAclArn: wafStack.webAcl.attrArn } : {}),
    ...(edgeDomain ? { edgeDomain } : {}),
    ...(options.testCode ? { testCode: options.testCode } : {}),
  });
  return { stack, ...(wafStack ? { wafStack } : {}) };
}

/** The region of a stage behind the WAF: `-c region=eu-west-1`, else the CLI's (CDK_DEFAULT_REGION). */
function readRegion(app: App): string {
  const raw: unknown = app.node.tryGetContext('region') ?? process.env.CDK_DEFAULT_REGION;
  if (raw === undefined) {
    throw new Error(
      'Context waf=true needs the stage\'s region (its web ACL is in us-east-1 and the stage\'s stack refers to it ' +
        'across regions): pass -c region=<region>, or run the CDK CLI with credentials that name one.',
    );
  }
  if (typeof raw !== 'string' || !/^[a-z]{2}(?:-[a-z]+)+-\d$/.test(raw)) throw new Error(`Context region is not an AWS region: ${JSON.stringify(raw)}`);
  return raw;
}

/** `-c wafDomainName=api.clinic.example -c wafCertificateArn=arn:aws:acm:us-east-1:...`: both or neither. */
function readEdgeDomain(app: App): EdgeDomain | undefined {
  const domainName: unknown = app.node.tryGetContext('wafDomainName');
  const certificateArn: unknown = app.node.tryGetContext('wafCertificateArn');
  if (domainName === undefined && certificateArn === undefined) return undefined;
  if (typeof domainName !== 'string' || typeof certificateArn !== 'string') throw new Error('Context wafDomainName and wafCertificateArn go together: set both, or neither.');
  if (!/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/.test(domainName)) throw new Error(`Context wafDomainName is not a domain name: ${JSON.stringify(domainName)}`);
  if (!/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new Error(`Context wafCertificateArn must be an ACM certificate in us-east-1 (CloudFront's region), got ${JSON.stringify(certificateArn)}`);
  }
  return { domainName, certificateArn };
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
