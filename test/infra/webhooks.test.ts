/**
 * Webhook delivery in the synthesized stack (infra/constructs/webhooks.ts): the table's stream, the
 * event source and its filters (the shared definition), the dead-letter queue, every statement of
 * every role the construct makes, the scheduler role's trust, the key parameter's custom resource,
 * which functions may read the key, and cdk-nag. The dev and prod stacks are synthesized once each,
 * with stub function code (test/infra/synth.ts); synthesis runs cdk-nag and throws on any finding.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import { Aws, Validations } from 'aws-cdk-lib';
import { STREAM_VIEW_TYPE } from '#shared/db/table-definition.ts';
import { routeList } from '#shared/routes.ts';
import { SCHEDULER_ENV } from '#shared/webhooks/eventbridge-scheduler.ts';
import { DISPATCH_FILTER_PATTERNS } from '#shared/webhooks/stream-filter.ts';
import { LOG_KEY_REASON, TABLE_LOGICAL_ID } from '../../infra/booking-stack.ts';
import { STREAM_SOURCE, WEBHOOK_KEY_ENV, WILDCARD_REASONS } from '../../infra/constructs/webhooks.ts';
import { asArray, referencedId, resourcesOfType, routeKeyOf, statementsOfRole, synthesize, wiringOfRoute, type Json, type Synthesized } from './synth.ts';

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synthesize('dev');
  prod = synthesize('prod');
});

/** The logical id of a construct's CloudFormation resource. */
const idOf = (s: Synthesized, construct: { node: { defaultChild?: unknown } }) => s.stack.getLogicalId(construct.node.defaultChild as never);
const resolve = (s: Synthesized, value: unknown) => s.stack.resolve(value) as Json;
const roleOfFunction = (s: Synthesized, functionId: string) => referencedId(s.json.Resources[functionId].Properties.Role);

/** Statements compared as sets: actions and statements in a stable order (CDK sorts actions). */
const normalized = (statements: Json[]) =>
  statements.map((st) => ({ ...st, Action: Array.isArray(st.Action) ? [...st.Action].sort() : st.Action })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** Written out here, so that a change in the construct has to change the test too. */
const TENANT_CONDITION = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ORG#*'] } };
const TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];

function expectedStatements(s: Synthesized, which: 'dispatch' | 'retry' | 'key') {
  const w = s.stack.webhooks;
  const fn = { dispatch: w.dispatchFunction, retry: w.retryFunction, key: w.keyFunction }[which];
  const logGroupId = referencedId(s.json.Resources[idOf(s, fn)].Properties.LoggingConfig.LogGroup);
  const logs = { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } };
  const parameterArn = resolve(s, w.keyParameterArn);
  if (which === 'key') return [logs, { Effect: 'Allow', Action: ['ssm:PutParameter', 'ssm:DeleteParameter'], Resource: parameterArn }];
  const delivery = [
    logs,
    { Effect: 'Allow', Action: TABLE_ACTIONS, Resource: { 'Fn::GetAtt': [TABLE_LOGICAL_ID, 'Arn'] }, Condition: TENANT_CONDITION },
    { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: parameterArn },
    {
      Effect: 'Allow',
      Action: 'scheduler:CreateSchedule',
      Resource: resolve(s, `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${w.scheduleGroup.scheduleGroupName}/*`),
    },
    {
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [idOf(s, w.schedulerRole), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    },
    { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [idOf(s, w.deadLetterQueue), 'Arn'] } },
  ];
  if (which === 'retry') return delivery;
  return [
    ...delivery,
    {
      Effect: 'Allow',
      Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      Resource: { 'Fn::GetAtt': [TABLE_LOGICAL_ID, 'StreamArn'] },
    },
    { Effect: 'Allow', Action: 'dynamodb:ListStreams', Resource: '*' },
  ];
}

describe('the table stream and its event source', () => {
  it.each(['dev', 'prod'])('%s: the table has a stream of new images (the shared definition)', (stage) => {
    const s = stage === 'dev' ? dev : prod;
    expect(STREAM_VIEW_TYPE).toBe('NEW_IMAGE');
    expect(s.json.Resources[TABLE_LOGICAL_ID].Properties.StreamSpecification).toEqual({ StreamViewType: STREAM_VIEW_TYPE });
  });

  it('one event source: the table stream to the dispatch function, filtered by exactly the shared patterns, bounded retries, failures to the DLQ', () => {
    const mappings = resourcesOfType(dev.json, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const [, mapping] = mappings[0]!;
    const w = dev.stack.webhooks;
    expect(mapping.Properties).toEqual({
      FunctionName: { Ref: idOf(dev, w.dispatchFunction) },
      EventSourceArn: { 'Fn::GetAtt': [TABLE_LOGICAL_ID, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: STREAM_SOURCE.batchSize,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: STREAM_SOURCE.retryAttempts,
      MaximumRecordAgeInSeconds: STREAM_SOURCE.maxRecordAge.toSeconds(),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf(dev, w.deadLetterQueue), 'Arn'] } } },
      FilterCriteria: { Filters: DISPATCH_FILTER_PATTERNS.map((pattern) => ({ Pattern: JSON.stringify(pattern) })) },
    });
    expect(STREAM_SOURCE.batchSize).toBeLessThanOrEqual(25);
    expect(STREAM_SOURCE.retryAttempts).toBeLessThanOrEqual(10);
    // The patterns as Lambda reads them: event items inserted; requested deliveries inserted or modified.
    expect(mapping.Properties.FilterCriteria.Filters.map((f: Json) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['event'] } } } },
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entity: { S: ['delivery'] }, state: { S: ['requested'] } } } },
    ]);
  });

  it('the dead-letter queue: SQS-managed encryption, TLS only, no consumer', () => {
    const queues = resourcesOfType(dev.json, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(1);
    const [queueId, queue] = queues[0]!;
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const policies = resourcesOfType(dev.json, 'AWS::SQS::QueuePolicy').filter(([, p]) => p.Properties.Queues.some((q: Json) => q.Ref === queueId));
    expect(policies).toHaveLength(1);
    expect(policies[0]![1].Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
    // Nothing reads it: no function has an SQS event source, no role may receive from it.
    const receiving = resourcesOfType(dev.json, 'AWS::IAM::ManagedPolicy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement).filter((st: Json) => asArray(st.Action).some((a: string) => a.startsWith('sqs:') && a !== 'sqs:SendMessage'));
    expect(receiving).toEqual([]);
  });
});

describe('functions and roles', () => {
  it('Node.js 24 on arm64, their own log groups, the environment they need and no key value', () => {
    const w = dev.stack.webhooks;
    const parameterName = `/dental-booking/dev/webhook-key`;
    expect(w.keyParameterName).toBe(parameterName);
    for (const fn of [w.dispatchFunction, w.retryFunction, w.keyFunction]) {
      const props = dev.json.Resources[idOf(dev, fn)].Properties;
      expect(props).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], MemorySize: 512 });
    }
    const schedulerEnv = {
      [SCHEDULER_ENV.group]: resolve(dev, w.scheduleGroup.scheduleGroupName),
      [SCHEDULER_ENV.functionArn]: expect.anything(),
      [SCHEDULER_ENV.roleArn]: { 'Fn::GetAtt': [idOf(dev, w.schedulerRole), 'Arn'] },
    };
    for (const fn of [w.dispatchFunction, w.retryFunction]) {
      expect(dev.json.Resources[idOf(dev, fn)].Properties.Environment.Variables).toEqual({
        TABLE_NAME: { Ref: TABLE_LOGICAL_ID },
        [WEBHOOK_KEY_ENV]: parameterName,
        ...schedulerEnv,
        // Where their delivery metrics go (the stage's namespace, as the route functions').
        POWERTOOLS_METRICS_NAMESPACE: 'DentalBooking/dev',
      });
    }
    expect(dev.json.Resources[idOf(dev, w.keyFunction)].Properties.Environment).toBeUndefined();
    // The retry function the schedules target is this one (named, so it can schedule later retries itself).
    const retryName = dev.json.Resources[idOf(dev, w.retryFunction)].Properties.FunctionName;
    expect(retryName).toBe('DentalBooking-dev-webhook-retry');
    expect(JSON.stringify(dev.json.Resources[idOf(dev, w.dispatchFunction)].Properties.Environment.Variables[SCHEDULER_ENV.functionArn])).toContain(`:function:${retryName}`);
  });

  it.each(['dispatch', 'retry', 'key'] as const)('%s: its role has exactly these statements, in one customer managed policy', (which) => {
    for (const s of [dev, prod]) {
      const w = s.stack.webhooks;
      const fn = { dispatch: w.dispatchFunction, retry: w.retryFunction, key: w.keyFunction }[which];
      const roleId = roleOfFunction(s, idOf(s, fn));
      expect(normalized(statementsOfRole(s.json, roleId))).toEqual(normalized(expectedStatements(s, which)));
      const attached = resourcesOfType(s.json, 'AWS::IAM::ManagedPolicy').filter(([, p]) => p.Properties.Roles.some((r: Json) => r.Ref === roleId));
      expect(attached).toHaveLength(1);
      expect(s.json.Resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
    }
  });

  it('the scheduler role: trusted by EventBridge Scheduler of this account only, may invoke the retry function only', () => {
    const w = dev.stack.webhooks;
    const roleId = idOf(dev, w.schedulerRole);
    expect(dev.json.Resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    const statements = statementsOfRole(dev.json, roleId);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Effect: 'Allow', Action: 'lambda:InvokeFunction' });
    // Exactly the retry function's ARN (no version wildcard).
    const resource = JSON.stringify(statements[0]!.Resource);
    expect(resource).toContain(':function:DentalBooking-dev-webhook-retry');
    expect(resource).not.toContain('*');
  });

  it('the retry function sends what still fails after one asynchronous retry to the dead-letter queue', () => {
    const w = dev.stack.webhooks;
    const retryId = idOf(dev, w.retryFunction);
    expect(dev.json.Resources[retryId].Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [idOf(dev, w.deadLetterQueue), 'Arn'] } });
    const configs = resourcesOfType(dev.json, 'AWS::Lambda::EventInvokeConfig');
    expect(configs.map(([, c]) => c.Properties)).toEqual([expect.objectContaining({ FunctionName: { Ref: retryId }, MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600 })]);
  });

  it('a schedule group of its own, removed with the stack in dev and kept in prod', () => {
    for (const [s, policy] of [[dev, 'Delete'], [prod, 'Retain']] as const) {
      const groups = resourcesOfType(s.json, 'AWS::Scheduler::ScheduleGroup');
      expect(groups).toHaveLength(1);
      expect(groups[0]![1].Properties.Name).toBe(`DentalBooking-${s === dev ? 'dev' : 'prod'}-webhook-retries`);
      expect(groups[0]![1].DeletionPolicy).toBe(policy);
    }
  });
});

describe('the webhook key', () => {
  it.each(['dev', 'prod'])('%s: made at deploy by the custom resource, named by the stage, its value never in the template', (stage) => {
    const s = stage === 'dev' ? dev : prod;
    const resources = Object.entries(s.json.Resources as Record<string, Json>).filter(([, r]) => r.Type === 'Custom::WebhookKey');
    expect(resources).toHaveLength(1);
    const [, resource] = resources[0]!;
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [idOf(s, s.stack.webhooks.keyFunction), 'Arn'] },
      ParameterName: `/dental-booking/${stage}/webhook-key`,
    });
    // Kept with the retained table in prod: the sealed secrets open only with it.
    expect(resource.DeletionPolicy).toBe(stage === 'prod' ? 'Retain' : 'Delete');
    expect(resourcesOfType(s.json, 'AWS::SSM::Parameter')).toEqual([]);
  });

  it('only the routes with webhookKey, and the dispatch and retry functions, may read it (and get its name)', () => {
    const w = dev.stack.webhooks;
    const parameterArn = resolve(dev, w.keyParameterArn);
    const readers = resourcesOfType(dev.json, 'AWS::IAM::Role')
      .map(([roleId]) => roleId)
      .filter((roleId) => statementsOfRole(dev.json, roleId).some((st) => asArray(st.Action).some((a) => a.startsWith('ssm:Get'))));
    const expected = [
      ...routeList.filter((r) => r.webhookKey).map((r) => wiringOfRoute(dev.json, routeKeyOf(r)).roleId),
      roleOfFunction(dev, idOf(dev, w.dispatchFunction)),
      roleOfFunction(dev, idOf(dev, w.retryFunction)),
    ];
    expect(readers.sort()).toEqual(expected.sort());
    for (const roleId of readers) {
      const reads = statementsOfRole(dev.json, roleId).filter((st) => asArray(st.Action).some((a) => a.startsWith('ssm:')));
      expect(reads, roleId).toEqual([{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: parameterArn }]);
    }
    // No kms permission: the parameter is encrypted with the AWS managed key aws/ssm.
    const kms = resourcesOfType(dev.json, 'AWS::IAM::ManagedPolicy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement).filter((st: Json) => asArray(st.Action).some((a: string) => a.startsWith('kms:')));
    expect(kms).toEqual([]);
    for (const route of routeList) {
      const { functionId } = wiringOfRoute(dev.json, routeKeyOf(route));
      expect(dev.json.Resources[functionId].Properties.Environment?.Variables?.[WEBHOOK_KEY_ENV], route.name).toBe(route.webhookKey ? w.keyParameterName : undefined);
    }
  });
});

describe('cdk-nag', () => {
  it('both stages synthesized with cdk-nag and no unacknowledged finding', () => {
    for (const s of [dev, prod]) expect(resourcesOfType(s.json, 'AWS::Lambda::EventSourceMapping')).toHaveLength(1);
  });

  it('acknowledges on the construct only: the two forced wildcards on the policies that have them, the DLQ rule, and the function rules with reasons', () => {
    const acksOf = (s: Synthesized) => {
      const w = s.stack.webhooks;
      return w.node.findAll().flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([rule, reason]) => ({ path: c.node.path.replace(`${w.node.path}/`, ''), rule: rule.replace(/^annotation::/i, ''), reason }))),
      );
    };
    const w = dev.stack.webhooks;
    const acks = acksOf(dev);
    const schedules = `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/DentalBooking-dev-webhook-retries/*]`;
    const wildcards = acks.filter((a) => a.rule.startsWith('AwsSolutions-IAM5'));
    expect(wildcards.map((a) => `${a.path} ${a.rule}`).sort()).toEqual(
      ['DispatchPolicy AwsSolutions-IAM5[Resource::*]', `DispatchPolicy ${schedules}`, `RetryPolicy ${schedules}`].sort(),
    );
    for (const a of wildcards) expect(a.reason).toBe(a.rule.includes('scheduler') ? WILDCARD_REASONS.schedules : WILDCARD_REASONS.listStreams);
    expect(acks.filter((a) => a.rule === 'AwsSolutions-SQS3').map((a) => a.path)).toEqual(['DeadLetters']);
    expect(acks.filter((a) => a.rule === 'HIPAA.Security-LambdaDLQ').map((a) => a.path).sort()).toEqual(['Dispatch', 'Key']);
    for (const rule of ['HIPAA.Security-LambdaConcurrency', 'HIPAA.Security-LambdaInsideVPC']) {
      expect(acks.filter((a) => a.rule === rule).map((a) => a.path).sort(), rule).toEqual(['Dispatch', 'Key', 'Retry']);
    }
    // dev has no log key: the stack's aspect acknowledges each log group without one, here the three
    // functions' (booking-stack.ts acknowledgeLogGroupWithoutKey); prod encrypts them with its key.
    const logGroups = acks.filter((a) => a.rule === 'HIPAA.Security-CloudWatchLogGroupEncrypted');
    expect(logGroups.map((a) => a.path).sort()).toEqual(['DispatchLogs/Resource', 'KeyLogs/Resource', 'RetryLogs/Resource']);
    for (const a of logGroups) expect(a.reason).toBe(LOG_KEY_REASON);
    expect(acksOf(prod).filter((a) => a.rule === 'HIPAA.Security-CloudWatchLogGroupEncrypted')).toEqual([]);
    expect([...new Set(acks.map((a) => a.rule.replace(/\[.*$/, '')))].sort()).toEqual([
      'AwsSolutions-IAM5',
      'AwsSolutions-SQS3',
      'HIPAA.Security-CloudWatchLogGroupEncrypted',
      'HIPAA.Security-LambdaConcurrency',
      'HIPAA.Security-LambdaDLQ',
      'HIPAA.Security-LambdaInsideVPC',
    ]);
    expect([...new Set(acksOf(prod).map((a) => a.rule.replace(/\[.*$/, '')))].sort()).toEqual([
      'AwsSolutions-IAM5',
      'AwsSolutions-SQS3',
      'HIPAA.Security-LambdaConcurrency',
      'HIPAA.Security-LambdaDLQ',
      'HIPAA.Security-LambdaInsideVPC',
    ]);
    for (const a of acks) expect(a.reason.length, `${a.path} ${a.rule}`).toBeGreaterThan(40);
    // The only statements with `*` in a resource are the two acknowledged ones.
    const starred = resourcesOfType(dev.json, 'AWS::IAM::ManagedPolicy')
      .filter(([, p]) => p.Properties.PolicyDocument.Statement.some((st: Json) => JSON.stringify(st.Resource).includes('*')))
      .map(([id]) => id);
    expect(starred.sort()).toEqual([idOf(dev, w.policies.dispatch), idOf(dev, w.policies.retry)].sort());
    expect(isDeepStrictEqual(w.policies.dispatch, w.policies.retry)).toBe(false);
  });
});
