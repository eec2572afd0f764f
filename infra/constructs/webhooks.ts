/**
 * Webhook delivery in AWS, $0 while idle:
 *
 *   table stream (new images) --[filters: shared/webhooks/stream-filter.ts]--> dispatch function
 *     -> one delivery per matching endpoint, first attempt at once
 *     -> a failed attempt: a one-time EventBridge Scheduler schedule (deletes itself) -> retry function
 *
 * Nothing polls while nothing happens: the stream's event source invokes the dispatch function only
 * for event items and requested deliveries (other writes are filtered out before any invocation), and
 * a retry exists only as a schedule. The dead-letter queue takes the metadata (shard, sequence
 * numbers; never item data) of a stream batch the dispatcher failed on after its retries, and the
 * retry function's failed invocations; nothing consumes it, so it costs nothing until it is used.
 *
 * The webhook key (what the endpoints' signing secrets are sealed with) is an SSM SecureString
 * standard parameter made at deploy by a custom resource (functions/webhook-key.ts): its value is
 * never in the template. Readers get `ssm:GetParameter` on exactly its ARN; no kms permission, because
 * it is encrypted with the AWS managed aws/ssm key, whose policy lets the account's principals decrypt
 * through SSM.
 *
 * Least privilege: each function has its own role with one customer managed policy, and its role takes
 * no grants from CDK (withoutPolicyUpdates): every statement is written here, and the infra test holds
 * them. The only wildcards are those AWS forces, acknowledged on this construct's policies
 * (WILDCARD_REASONS, and TRACING_REASON with tracing).
 *
 * Tracing (context `tracing=true`): the dispatch and retry functions are traced like the route
 * functions (active X-Ray, the grant in their own managed policy). The key function is not: it runs
 * once per deployment, as CloudFormation's custom resource, and a trace of it would say nothing about
 * how the stage serves anyone.
 */
import { Aws, CustomResource, Duration, Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, ManagedPolicy, PolicyStatement, Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  Code,
  type CfnFunction,
  EventSourceMapping,
  FilterCriteria,
  Function as LambdaFunction,
  Runtime,
  StartingPosition,
  type IFunction,
} from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEDULER_ENV } from '#shared/webhooks/eventbridge-scheduler.ts';
import { DISPATCH_FILTER_PATTERNS } from '#shared/webhooks/stream-filter.ts';
import { BUNDLING, functionEntry, stubCode, TENANT_PARTITION_PATTERN, TRACING_ACTIONS, TRACING_REASON } from './route-function.ts';

/** The functions of this construct, by name (what TestCode.bundle may name), and their modules. */
export const WEBHOOK_FUNCTIONS = {
  webhookDispatch: 'webhook-dispatch',
  webhookRetry: 'webhook-retry',
  webhookKey: 'webhook-key',
} as const;
export type WebhookFunctionName = keyof typeof WEBHOOK_FUNCTIONS;

/** The environment variable naming the key parameter (shared/webhooks/secret-box.ts reads it). */
export const WEBHOOK_KEY_ENV = 'WEBHOOK_KEY_PARAMETER';

/** The DynamoDB item actions of the dispatch and retry functions, in tenant partitions only. */
export const DISPATCH_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** What reading the table's stream takes (the Lambda event source polls with the function's role). */
export const STREAM_READ_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'] as const;

/** How the stream's event source runs. */
export const STREAM_SOURCE = {
  batchSize: 10,
  bisectBatchOnError: true,
  retryAttempts: 5,
  maxRecordAge: Duration.hours(6),
} as const;

/**
 * The wildcards AWS forces (cdk-nag AwsSolutions-IAM5, acknowledged on this construct's policies only,
 * each for exactly its finding).
 */
export const WILDCARD_REASONS = {
  listStreams:
    'dynamodb:ListStreams has no resource-level permissions (it takes Resource "*"); the Lambda event ' +
    'source of the table stream uses it. It lists stream ARNs only, no data; every read of the stream ' +
    '(DescribeStream, GetShardIterator, GetRecords) is granted on this table\'s stream ARN alone.',
  schedules:
    'One-time retry schedules are named at run time (the delivery\'s uuid and attempt), so ' +
    'scheduler:CreateSchedule is granted on the schedules of this stack\'s own schedule group ' +
    '(schedule/<group>/*) and nowhere else.',
} as const;

/** cdk-nag HIPAA findings acknowledged on each of this construct's functions. */
const FUNCTION_REASONS = {
  'HIPAA.Security-LambdaConcurrency':
    'No reserved concurrency: it would hold account concurrency while idle. The stream event source ' +
    'runs one batch at a time per shard, retries are as many as failed deliveries, and the key ' +
    'function runs once per deployment.',
  'HIPAA.Security-LambdaInsideVPC':
    'No VPC: the dispatcher and retries call integrators\' HTTPS endpoints on the internet (after ' +
    'refusing private, loopback and link-local addresses); in a VPC that would take a NAT gateway, ' +
    'billed while idle. The key function reaches only SSM over TLS.',
} as const;
const DLQ_REASONS = {
  dispatch:
    'Invoked only by the table stream\'s event source mapping (synchronously), whose on-failure ' +
    'destination is the dead-letter queue of this construct; a function DLQ applies to asynchronous ' +
    'invocations only and would never receive anything.',
  key:
    'Invoked by CloudFormation once per deployment; a failure fails the deployment and is reported ' +
    'to CloudFormation with its error name. Nothing to keep in a queue.',
} as const;

export interface WebhooksProps {
  table: ITable;
  /** The stage (parameter name). */
  stage: string;
  logs: { retention: RetentionDays; removalPolicy: RemovalPolicy; encryptionKey?: IKey };
  /** Where the dispatch and retry functions publish their delivery metrics (shared/observability/metrics.ts). */
  metricNamespace?: string;
  /**
   * X-Ray active tracing of the dispatch and retry functions (context `tracing=true`, as the route
   * functions): their policies then grant `xray:PutTraceSegments`/`PutTelemetryRecords` on "*".
   * Never the key function (a deploy-time custom resource).
   */
  tracing?: boolean;
  /** Whether the key (and schedules) outlive the stack: the same as the table's. */
  removalPolicy: RemovalPolicy;
  /** Tests only: these functions get stub code (see BookingStackProps.testCode). */
  stub?: (name: WebhookFunctionName) => boolean;
}

export class Webhooks extends Construct {
  readonly dispatchFunction: LambdaFunction;
  readonly retryFunction: LambdaFunction;
  readonly keyFunction: LambdaFunction;
  readonly deadLetterQueue: Queue;
  readonly scheduleGroup: ScheduleGroup;
  /** The role EventBridge Scheduler assumes to invoke the retry function. */
  readonly schedulerRole: Role;
  readonly keyParameterName: string;
  readonly keyParameterArn: string;
  readonly policies: Readonly<Record<'dispatch' | 'retry' | 'key' | 'scheduler', ManagedPolicy>>;

  constructor(scope: Construct, id: string, props: WebhooksProps) {
    super(scope, id);
    const { table } = props;
    const stack = Stack.of(this);
    if (!table.tableStreamArn) throw new Error('The table has no stream: webhooks need it');

    this.keyParameterName = `/dental-booking/${props.stage}/webhook-key`;
    // A parameter whose name starts with `/`: `parameter` followed by the name.
    this.keyParameterArn = `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${this.keyParameterName}`;

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue (of the stream event source and the retry function); it has none of its own.',
    });

    this.scheduleGroup = new ScheduleGroup(this, 'RetrySchedules', {
      scheduleGroupName: `${stack.stackName}-webhook-retries`,
      removalPolicy: props.removalPolicy,
    });
    const schedulesArn = `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${this.scheduleGroup.scheduleGroupName}/*`;
    // How cdk-nag names that resource in its finding (pseudo parameters as <AWS::…>).
    const schedulesFinding = `Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${stack.resolve(this.scheduleGroup.scheduleGroupName)}/*`;
    const schedulesWildcard = { finding: schedulesFinding, reason: WILDCARD_REASONS.schedules };

    // Named, so that its ARN can be in its own environment (the retry function schedules later retries).
    const retryFunctionName = `${stack.stackName}-webhook-retry`;
    const retryFunctionArn = `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:${retryFunctionName}`;

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      description: 'EventBridge Scheduler: invokes the webhook retry function',
    });
    const schedulerPolicy = new ManagedPolicy(this, 'SchedulerPolicy', {
      description: 'Invoke the webhook retry function',
      roles: [this.schedulerRole],
      statements: [new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [retryFunctionArn] })],
    });

    const schedulerEnv = {
      [SCHEDULER_ENV.group]: this.scheduleGroup.scheduleGroupName,
      [SCHEDULER_ENV.functionArn]: retryFunctionArn,
      [SCHEDULER_ENV.roleArn]: this.schedulerRole.roleArn,
    };
    const deliveryStatements = [
      new PolicyStatement({
        actions: [...DISPATCH_TABLE_ACTIONS],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [TENANT_PARTITION_PATTERN] } },
      }),
      new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [this.keyParameterArn] }),
      new PolicyStatement({ actions: ['scheduler:CreateSchedule'], resources: [schedulesArn] }),
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    ];
    const environment = {
      TABLE_NAME: table.tableName,
      [WEBHOOK_KEY_ENV]: this.keyParameterName,
      ...schedulerEnv,
      ...(props.metricNamespace ? { POWERTOOLS_METRICS_NAMESPACE: props.metricNamespace } : {}),
    };

    const dispatch = this.bundledFunction('Dispatch', 'webhookDispatch', props, {
      description: 'Webhooks: event items from the table stream -> deliveries and first attempts',
      // A batch of events, each sent to its endpoints with a 15 s timeout per attempt.
      timeout: Duration.minutes(2),
      environment,
      statements: [
        ...deliveryStatements,
        new PolicyStatement({ actions: [...STREAM_READ_ACTIONS], resources: [table.tableStreamArn] }),
        new PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] }),
      ],
      wildcards: [{ finding: 'Resource::*', reason: WILDCARD_REASONS.listStreams }, schedulesWildcard],
      dlqReason: DLQ_REASONS.dispatch,
      tracing: props.tracing ?? false,
    });
    this.dispatchFunction = dispatch.fn;
    new EventSourceMapping(this, 'StreamSource', {
      target: this.dispatchFunction,
      eventSourceArn: table.tableStreamArn,
      // From the oldest record still in the stream: events written before the mapping existed are sent too.
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: STREAM_SOURCE.batchSize,
      bisectBatchOnError: STREAM_SOURCE.bisectBatchOnError,
      retryAttempts: STREAM_SOURCE.retryAttempts,
      maxRecordAge: STREAM_SOURCE.maxRecordAge,
      onFailure: new SqsDlq(this.deadLetterQueue),
      filters: DISPATCH_FILTER_PATTERNS.map((pattern) => FilterCriteria.filter(pattern as Record<string, unknown>)),
    });

    const retry = this.bundledFunction('Retry', 'webhookRetry', props, {
      description: 'Webhooks: one retry of a delivery, invoked by its one-time schedule',
      functionName: retryFunctionName,
      timeout: Duration.seconds(30),
      environment,
      statements: deliveryStatements,
      wildcards: [schedulesWildcard],
      deadLetterQueue: this.deadLetterQueue,
      tracing: props.tracing ?? false,
    });
    this.retryFunction = retry.fn;
    // Scheduler retries a failed invocation itself (shared/webhooks/eventbridge-scheduler.ts); Lambda's
    // own asynchronous retries, once, then the dead-letter queue.
    this.retryFunction.configureAsyncInvoke({ retryAttempts: 1, maxEventAge: Duration.hours(1) });
    schedulerPolicy.node.addDependency(this.retryFunction);

    const key = this.bundledFunction('Key', 'webhookKey', props, {
      description: 'Webhooks: makes the webhook key parameter at deploy (custom resource)',
      timeout: Duration.seconds(60),
      environment: {},
      statements: [new PolicyStatement({ actions: ['ssm:PutParameter', 'ssm:DeleteParameter'], resources: [this.keyParameterArn] })],
      wildcards: [],
      dlqReason: DLQ_REASONS.key,
      // Never traced: it runs once per deployment, for CloudFormation (see the top of this file).
      tracing: false,
    });
    this.keyFunction = key.fn;
    const keyResource = new CustomResource(this, 'KeyParameter', {
      serviceToken: this.keyFunction.functionArn,
      resourceType: 'Custom::WebhookKey',
      properties: { ParameterName: this.keyParameterName },
      removalPolicy: props.removalPolicy,
    });
    // The key exists before anything that reads it, and its function's grant before it is made.
    keyResource.node.addDependency(key.policy);
    dispatch.fn.node.addDependency(keyResource);
    retry.fn.node.addDependency(keyResource);

    this.policies = { dispatch: dispatch.policy, retry: retry.policy, key: key.policy, scheduler: schedulerPolicy };
  }

  /** Gives a route's function the key: its parameter's name and GetParameter on exactly it. */
  grantKeyRead(fn: IFunction & { addEnvironment(key: string, value: string): unknown }, policy: ManagedPolicy): void {
    fn.addEnvironment(WEBHOOK_KEY_ENV, this.keyParameterName);
    policy.addStatements(new PolicyStatement({ effect: Effect.ALLOW, actions: ['ssm:GetParameter'], resources: [this.keyParameterArn] }));
  }

  /**
   * A function like a route's: Node.js 24 on arm64, its own encrypted log group, its own role with one
   * customer managed policy (its log group and `statements`), bundled as the routes are.
   */
  private bundledFunction(
    id: string,
    name: WebhookFunctionName,
    props: WebhooksProps,
    options: {
      description: string;
      functionName?: string;
      timeout: Duration;
      environment: Record<string, string>;
      statements: PolicyStatement[];
      wildcards: { finding: string; reason: string }[];
      deadLetterQueue?: Queue;
      dlqReason?: string;
      /** X-Ray active tracing, its grant in the function's policy (as RouteFunction does). */
      tracing: boolean;
    },
  ): { fn: LambdaFunction; policy: ManagedPolicy } {
    const handler = WEBHOOK_FUNCTIONS[name];
    const logGroup = new LogGroup(this, `${id}Logs`, props.logs);
    const role = new Role(this, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `Execution role of ${handler}` });
    const policy = new ManagedPolicy(this, `${id}Policy`, {
      description: `Access of ${handler}`,
      roles: [role],
      statements: [
        new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
        ...options.statements,
        ...(options.tracing ? [new PolicyStatement({ actions: [...TRACING_ACTIONS], resources: ['*'] })] : []),
      ],
    });
    const wildcards = options.tracing ? [...options.wildcards, { finding: 'Resource::*', reason: TRACING_REASON }] : options.wildcards;
    // One acknowledgement per finding: statements with the same wildcard (ListStreams and X-Ray on "*")
    // are one cdk-nag finding, acknowledged with every reason.
    const reasons = new Map<string, string[]>();
    for (const { finding, reason } of wildcards) reasons.set(finding, [...(reasons.get(finding) ?? []), reason]);
    for (const [finding, list] of reasons) Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: list.join(' ') });
    // Every grant is the policy above: what CDK would add on its own (event source, DLQ) is dropped.
    const fixedRole: IRole = role.withoutPolicyUpdates();
    const entry = functionEntry(handler);
    const settings = {
      description: options.description,
      ...(options.functionName ? { functionName: options.functionName } : {}),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: options.timeout,
      role: fixedRole,
      logGroup,
      environment: options.environment,
      ...(options.deadLetterQueue ? { deadLetterQueue: options.deadLetterQueue } : {}),
    };
    let fn: LambdaFunction;
    if (props.stub?.(name)) {
      if (!existsSync(entry)) throw new Error(`No module ${entry}`);
      fn = new LambdaFunction(this, id, { ...settings, handler: 'index.handler', code: Code.fromInline(stubCode(handler)) });
    } else {
      fn = new NodejsFunction(this, id, {
        ...settings,
        entry,
        projectRoot: REPO_ROOT,
        depsLockFilePath: `${REPO_ROOT}package-lock.json`,
        handler: 'handler',
        bundling: BUNDLING,
      });
    }
    // Set on the resource rather than through CDK's `tracing`, which would grant X-Ray in an inline
    // policy (the role takes no grants from CDK anyway: withoutPolicyUpdates).
    if (options.tracing) (fn.node.defaultChild as CfnFunction).tracingConfig = { mode: 'Active' };
    // The role's policy is attached before the function can run (CloudFormation ordering).
    fn.node.addDependency(policy);
    for (const [rule, reason] of Object.entries(FUNCTION_REASONS)) Validations.of(fn).acknowledge({ id: rule, reason });
    if (options.dlqReason) Validations.of(fn).acknowledge({ id: 'HIPAA.Security-LambdaDLQ', reason: options.dlqReason });
    return { fn, policy };
  }
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
