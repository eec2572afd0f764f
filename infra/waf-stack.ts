/**
 * The optional AWS WAF of a stage (context `waf=true`): a web ACL for CloudFront, which AWS requires
 * in us-east-1 whatever region the stage is in, so it is its own small stack there
 * (`DentalBooking-<stage>-waf`), created by infra/booking-app.ts only when asked for. The stage's
 * CloudFront distribution (infra/constructs/edge.ts) takes its ARN through a cross-region reference.
 *
 * AWS WAF cannot be attached to an API Gateway HTTP API itself; it protects the API through the
 * distribution in front of it, and the functions refuse whatever went around it.
 *
 * Rules, in order (each billed $1 a month, the web ACL $5: infra/cost/fixed-cost.ts):
 * 1. a rate-based rule per source IP (`wafRateLimit` requests in 5 minutes, default 1000);
 * 2. AWS's common rule set, except that a body over 8 KB is only counted: a clinical note may be
 *    4000 characters, over 8 KB of JSON in a non-Latin script, and the API's own limit is 64 KiB
 *    (shared/http/middleware.ts MAX_BODY_BYTES), enforced by every function;
 * 3. AWS's known bad inputs rule set (Log4j-style and other exploit patterns).
 * Default action: allow. CloudWatch metrics per rule; no sampled requests: a sample keeps a request's
 * URI and headers for hours, and a query string can carry a patient's name (`?query=Smith`).
 *
 * Logs (HIPAA Security asks for them): only the requests a rule blocked or counted, to a log group of
 * this stack (`aws-waf-logs-dental-booking-<stage>`), with the path, the query string and the
 * Authorization header redacted — what remains says which rule matched which source and when. CloudWatch
 * Logs bills them by the byte (nothing while idle). On a production stage a customer managed key of
 * this region encrypts them (a key cannot serve log groups of another region, so it is not the stage's log key).
 */
import { RemovalPolicy, Stack, Validations, type StackProps, ArnFormat } from 'aws-cdk-lib';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { logsKey } from './constructs/logs-key.ts';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/** The region AWS requires of a web ACL for CloudFront. */
export const WAF_REGION = 'us-east-1';

/** Requests one source IP may send in 5 minutes (about 3 a second) unless `wafRateLimit` says otherwise. */
export const DEFAULT_WAF_RATE_LIMIT = 1000;
/** AWS WAF's least rate limit. */
export const MIN_WAF_RATE_LIMIT = 10;
/** The window the rate rule counts in, seconds. */
export const WAF_RATE_WINDOW_SECONDS = 300;

/** The managed rule groups, and the rules of each that only count instead of blocking. */
export const WAF_MANAGED_RULE_GROUPS: ReadonlyArray<{ name: string; count: readonly string[] }> = [
  { name: 'AWSManagedRulesCommonRuleSet', count: ['SizeRestrictions_BODY'] },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', count: [] },
];

export const WAF_RATE_RULE = 'RateLimitPerSourceIp';

export function wafStackName(stage: string): string {
  return `DentalBooking-${stage}-waf`;
}

/** Fields of a logged request that are never written (a path carries ids, a query string names). */
export const WAF_REDACTED_FIELDS: CfnLoggingConfiguration.FieldToMatchProperty[] = [
  { uriPath: {} },
  { queryString: {} },
  { singleHeader: { Name: 'authorization' } },
];

/** Why the WAF log group of a stage that is not production has no customer managed key. */
export const WAF_LOG_KEY_REASON =
  'Not a production stage: CloudWatch Logs encrypts the web ACL\'s log group with its own keys, so the stage ' +
  'costs nothing extra while idle (a key is about $1 a month). It holds only blocked or counted requests, ' +
  'with their path, query string and Authorization header redacted. A production stage has the key.';

export interface WafStackProps extends StackProps {
  stage: string;
  rateLimit: number;
  /** A customer managed key (of us-east-1) encrypts the WAF's log group: the stage's `logKey` choice. */
  logKey: boolean;
  /** A production stage keeps its WAF logs when the stack is deleted. */
  production: boolean;
}

export class WafStack extends Stack {
  readonly webAcl: CfnWebACL;
  readonly logGroup: LogGroup;
  readonly logKey?: Key;

  constructor(scope: Construct, id: string, props: WafStackProps) {
    super(scope, id, props);
    if (!Number.isInteger(props.rateLimit) || props.rateLimit < MIN_WAF_RATE_LIMIT) throw new Error(`WAF rate limit must be an integer of at least ${MIN_WAF_RATE_LIMIT}, got ${props.rateLimit}`);
    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: false,
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `dental-booking-${props.stage}`,
      description: `Dental booking API ${props.stage} - rate per source IP, AWS managed rules`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`DentalBooking-${props.stage}`),
      rules: [
        {
          name: WAF_RATE_RULE,
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: WAF_RATE_WINDOW_SECONDS } },
          visibilityConfig: visibility(WAF_RATE_RULE),
        },
        ...WAF_MANAGED_RULE_GROUPS.map((group, i) => ({
          name: group.name,
          priority: i + 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: group.name,
              ...(group.count.length > 0 ? { ruleActionOverrides: group.count.map((name) => ({ name, actionToUse: { count: {} } })) } : {}),
            },
          },
          visibilityConfig: visibility(group.name),
        })),
      ],
    });

    const removalPolicy = props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    if (props.logKey) this.logKey = logsKey(this, `Encrypts the WAF log group of ${this.stackName}`, removalPolicy);
    else if (props.production) throw new Error('A production stage keeps its log key (see infra/stage-options.ts)');
    // AWS WAF writes only to log groups whose name starts with aws-waf-logs-.
    const logGroupName = `aws-waf-logs-dental-booking-${props.stage}`;
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy,
      ...(this.logKey ? { encryptionKey: this.logKey } : {}),
    });
    if (!this.logKey) Validations.of(this.logGroup).acknowledge({ id: 'HIPAA.Security-CloudWatchLogGroupEncrypted', reason: WAF_LOG_KEY_REASON });
    const logging = new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // The log group's ARN without the `:*` CDK's logGroupArn ends with: WAF refuses that form.
      logDestinationConfigs: [this.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      redactedFields: WAF_REDACTED_FIELDS,
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [{ Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }] }],
      },
    });
    logging.node.addDependency(this.logGroup);
  }
}
