/**
 * Operations of a stage, in the synthesized template: the metrics configuration of every function,
 * every alarm and its threshold, the dashboard, the throttles per route class, tracing, and the
 * choices that depend on the stage — dev synthesizes to $0.00 fixed cost a month, prod lists its items.
 * Every app that is synthesized here passes cdk-nag (AwsSolutions and HIPAA Security), or synthesis throws.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { LOG_KEY_REASON } from '../../infra/booking-stack.ts';
import { ALARM_THRESHOLDS, TABLE_OPERATIONS, TOPIC_KEY_REASON } from '../../infra/constructs/observability.ts';
import { DEFAULT_ROUTE_THROTTLES, routeClass } from '../../infra/constructs/protection.ts';
import { TRACING_ACTIONS, TRACING_REASON } from '../../infra/constructs/route-function.ts';
import { WEBHOOK_FUNCTIONS, WILDCARD_REASONS } from '../../infra/constructs/webhooks.ts';
import { fixedMonthlyCost, type FixedPrices } from '../../infra/cost/fixed-cost.ts';
import { routeList, routes } from '#shared/routes.ts';
import { buildApp, resourcesOfType, routeKeyOf, statementsOfRole, synthesize, type Json, type Synthesized } from './synth.ts';

const prices = (JSON.parse(readFileSync(new URL('../../infra/bench/prices.json', import.meta.url), 'utf8')) as { fixed_monthly: FixedPrices }).fixed_monthly;

/** Synthesizes like `cdk synth` (cdk-nag included) with extra context. */
function synthWith(stage: string, context: Json): Synthesized {
  const { app, stack } = buildApp(stage, { context });
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  return { app, stack, template, json: template.toJSON(), assemblyDir: assembly.directory };
}

/** Every acknowledgement in an app: the construct, the rule, the reason. */
const acknowledgements = (app: Synthesized['app']) =>
  app.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([rule, reason]) => ({ construct: c, rule: rule.replace(/^annotation::/i, ''), reason }))),
  );

const alarmsOf = (json: Json) => resourcesOfType(json, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties as Json);
const alarmNamed = (json: Json, id: string) => {
  const found = resourcesOfType(json, 'AWS::CloudWatch::Alarm').filter(([logicalId]) => logicalId.startsWith(`Observability${id}`));
  expect(found, id).toHaveLength(1);
  return found[0]![1].Properties as Json;
};

/** The webhook construct's functions (dispatch, retry, key): every other function is a route's. */
const WEBHOOK_FUNCTION_COUNT = Object.keys(WEBHOOK_FUNCTIONS).length;

/**
 * The alarms of webhook delivery (Observability's extraFunctions, deadLetterQueues, webhookMetrics),
 * by construct id, with their thresholds: errors and throttles of the dispatch and retry functions
 * (the key function runs at deploy only: a failure fails the deployment), messages in the dead-letter
 * queue, and failed delivery attempts. One alarm metric each.
 */
const WEBHOOK_ALARMS = {
  WebhookDispatchErrors: ALARM_THRESHOLDS.functionErrors,
  WebhookDispatchThrottles: ALARM_THRESHOLDS.functionThrottles,
  WebhookRetryErrors: ALARM_THRESHOLDS.functionErrors,
  WebhookRetryThrottles: ALARM_THRESHOLDS.functionThrottles,
  WebhooksDeadLetters: ALARM_THRESHOLDS.deadLetters,
  WebhookFailures: ALARM_THRESHOLDS.webhookFailures,
} as const;
const WEBHOOK_ALARM_COUNT = Object.keys(WEBHOOK_ALARMS).length;

let dev: Synthesized;
let prod: Synthesized;
/** A dev stage that asks for everything: alarms mailed to someone, the dashboard, tracing, other booking throttles. */
let asked: Synthesized;

beforeAll(() => {
  dev = synthesize('dev');
  prod = synthesize('prod');
  asked = synthWith('dev', {
    alarms: 'true',
    dashboard: true,
    alarmEmail: 'it@clinic.example',
    tracing: 'true',
    throttleBookingRate: '3',
    throttleBookingBurst: 6,
  });
});

describe('metrics configuration', () => {
  it.each(['dev', 'prod'])('%s: every function publishes to the stage’s own namespace, and has no permission to call CloudWatch (EMF: its log only)', (stage) => {
    const { json, stack } = stage === 'dev' ? dev : prod;
    const functions = resourcesOfType(json, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(routeList.length + WEBHOOK_FUNCTION_COUNT);
    // The webhook key function makes the key at deploy and publishes no metric: no namespace (no environment at all).
    const keyId = stack.getLogicalId(stack.webhooks.keyFunction.node.defaultChild as never);
    for (const [id, fn] of functions) {
      if (id === keyId) expect(fn.Properties.Environment, id).toBeUndefined();
      else expect(fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE, id).toBe(`DentalBooking/${stage}`);
      const actions = statementsOfRole(json, fn.Properties.Role['Fn::GetAtt'][0]).flatMap((s) => [s.Action].flat());
      expect(actions.filter((a) => a.startsWith('cloudwatch:')), id).toEqual([]);
    }
  });
});

describe('dev (not production): $0.00 while idle', () => {
  it('has no customer managed key, no alarm, no topic, no dashboard', () => {
    for (const type of ['AWS::KMS::Key', 'AWS::CloudWatch::Alarm', 'AWS::SNS::Topic', 'AWS::CloudWatch::Dashboard']) dev.template.resourceCountIs(type, 0);
    expect(Object.keys(dev.json.Outputs)).not.toContain('DashboardUrl');
  });

  it('synthesizes to $0.00 of fixed monthly cost', () => {
    expect(fixedMonthlyCost(dev.json, prices)).toEqual({ lines: [], total_usd: 0 });
  });

  it('its log groups use CloudWatch Logs’ encryption, each acknowledged on itself, with the reason', () => {
    const logGroups = resourcesOfType(dev.json, 'AWS::Logs::LogGroup');
    // Each function's (routes' and webhooks'), and the API's access logs.
    expect(logGroups).toHaveLength(routeList.length + WEBHOOK_FUNCTION_COUNT + 1);
    for (const [id, group] of logGroups) expect(group.Properties.KmsKeyId, id).toBeUndefined();
    const acks = acknowledgements(dev.app).filter((a) => a.rule === 'HIPAA.Security-CloudWatchLogGroupEncrypted');
    expect(acks).toHaveLength(logGroups.length);
    for (const { construct, reason } of acks) {
      expect(construct).toBeInstanceOf(CfnLogGroup);
      expect(reason).toBe(LOG_KEY_REASON);
    }
    expect(LOG_KEY_REASON).toMatch(/Not a production stage/);
  });

  it('the key is required on a production stage: logKey=false is refused there, and production=true makes any stage one', () => {
    expect(() => buildApp('prod', { context: { logKey: false } })).toThrow(/production stage keeps its customer managed log key/);
    expect(() => buildApp('clinic-a', { context: { production: 'true', logKey: 'false' } })).toThrow(/production stage/);
    const { stack } = buildApp('clinic-a', { context: { production: 'true' } });
    expect(stack.options).toMatchObject({ production: true, logKey: true, alarms: true, dashboard: true });
    expect(stack.logKey).toBeDefined();
    expect(stack.observability.alarms.length).toBeGreaterThan(0);
  });

  it('prod can turn off the alarms and the dashboard', () => {
    const { stack } = buildApp('prod', { context: { alarms: 'false', dashboard: 'false' } });
    expect(stack.observability.alarms).toEqual([]);
    expect(stack.observability.topic).toBeUndefined();
    expect(stack.observability.dashboard).toBeUndefined();
  });

  it.each([
    [{ alarms: 'yes' }, /alarms must be true or false/],
    [{ alarmEmail: 'not an address' }, /not an email address/],
    [{ alarmEmail: 'it@clinic.example' }, /alarms are off/],
    [{ latencyAlarms: 'function' }, /latencyAlarms must be route or api/],
    [{ throttleReadRate: '0' }, /throttleReadRate must be a positive integer/],
    [{ waf: 'true', wafRateLimit: '9', region: 'eu-west-1' }, /wafRateLimit must be at least 10/],
    [{ wafRateLimit: '2000' }, /waf is off/],
  ])('refuses %j', (context, error) => {
    expect(() => buildApp('dev', { context })).toThrow(error);
  });
});

describe('prod: the log key, the alarms and the dashboard', () => {
  it('lists each item of its fixed monthly cost', () => {
    const cost = fixedMonthlyCost(prod.json, prices);
    const alarmMetrics =
      2 /* 5xx rate: requests, 5xx */ + routeList.length /* p99 per route */ + 2 /* table throttles */ + TABLE_OPERATIONS.length /* system errors */ + WEBHOOK_ALARM_COUNT; /* one metric each */
    expect(cost.lines.map((l) => [l.item, l.count, l.usd, l.context])).toEqual([
      ['KMS customer managed key (log groups, alarm topic)', 1, 1, 'logKey (production stages keep it)'],
      ['CloudWatch alarm metrics', alarmMetrics, Math.round(alarmMetrics * 10) / 100, 'alarms, latencyAlarms'],
      ['CloudWatch dashboard', 1, 3, 'dashboard'],
    ]);
    expect(cost.total_usd).toBe(Math.round((1 + alarmMetrics * 0.1 + 3) * 100) / 100);
  });

  it('alarms on the 5xx rate of the API: at least 5% of at least 10 requests, in 2 of 3 five-minute periods', () => {
    const alarm = alarmNamed(prod.json, 'ApiFaultRate');
    expect(alarm).toMatchObject({ Threshold: 5, EvaluationPeriods: 3, DatapointsToAlarm: 2, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    const expression = (alarm.Metrics as Json[]).find((m) => m.Expression);
    expect(expression!.Expression).toBe('IF(requests >= 10, 100 * faults / requests, 0)');
    const stats = Object.fromEntries((alarm.Metrics as Json[]).filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat]));
    expect(stats.requests).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count' }, Stat: 'Sum', Period: 300 });
    expect(stats.faults).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx' }, Stat: 'Sum', Period: 300 });
    expect(ALARM_THRESHOLDS).toMatchObject({ apiFaultRatePercent: 5, apiFaultMinRequests: 10 });
  });

  it('alarms on the p99 time of every route, by its class (read and public 1 s, write and booking 2 s), for 15 minutes', () => {
    const latency = alarmsOf(prod.json).filter((a) => a.MetricName === 'Latency' && a.Namespace === 'DentalBooking/prod');
    expect(latency).toHaveLength(routeList.length);
    const expected = { read: 1000, write: 2000, booking: 2000, public: 1000 };
    for (const route of routeList) {
      const alarm = latency.find((a) => (a.Dimensions as Json[]).some((d) => d.Name === 'route' && d.Value === route.handler));
      expect(alarm, route.name).toMatchObject({
        ExtendedStatistic: 'p99',
        Period: 300,
        EvaluationPeriods: 3,
        Threshold: expected[routeClass(route)],
        TreatMissingData: 'notBreaching',
        Dimensions: [
          { Name: 'route', Value: route.handler },
          { Name: 'service', Value: 'dental-booking-api' },
        ],
      });
    }
  });

  it('latencyAlarms=api: one p99 alarm on the API instead of one per route', () => {
    const { stack } = buildApp('prod', { context: { latencyAlarms: 'api' } });
    const ids = stack.observability.alarms.map((a) => a.node.id);
    expect(ids.filter((id) => id.startsWith('Latency'))).toEqual([]);
    expect(ids).toContain('ApiLatency');
    expect(ids.sort()).toEqual(['ApiFaultRate', 'ApiLatency', 'TableSystemErrors', 'TableThrottles', ...Object.keys(WEBHOOK_ALARMS)].sort());
  });

  it('alarms on DynamoDB throttles (reads + writes, 5 in 5 minutes) and system errors (any, over every operation the functions use)', () => {
    const throttles = alarmNamed(prod.json, 'TableThrottles');
    expect(throttles).toMatchObject({ Threshold: 5, EvaluationPeriods: 1 });
    expect((throttles.Metrics as Json[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric.MetricName).sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
    const errors = alarmNamed(prod.json, 'TableSystemErrors');
    expect(errors).toMatchObject({ Threshold: 1, EvaluationPeriods: 1 });
    const operations = (errors.Metrics as Json[]).filter((m) => m.MetricStat).map((m) => (m.MetricStat.Metric.Dimensions as Json[]).find((d) => d.Name === 'Operation')!.Value);
    expect(operations.sort()).toEqual(['BatchGetItem', 'BatchWriteItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'TransactWriteItems', 'UpdateItem']);
  });

  it('has exactly these alarms, each notifying the topic', () => {
    const alarms = resourcesOfType(prod.json, 'AWS::CloudWatch::Alarm');
    // The 5xx rate, the p99 of each route, the table's throttles and system errors, and the webhook alarms.
    expect(alarms).toHaveLength(3 + routeList.length + WEBHOOK_ALARM_COUNT);
    expect(prod.stack.observability.alarms.map((a) => a.node.id).filter((id) => id.startsWith('Webhook')).sort()).toEqual(Object.keys(WEBHOOK_ALARMS).sort());
    const w = prod.stack.webhooks;
    const functionName = (fn: typeof w.dispatchFunction) => ({ Ref: prod.stack.getLogicalId(fn.node.defaultChild as never) });
    const dimensions: Record<keyof typeof WEBHOOK_ALARMS, Json> = {
      WebhookDispatchErrors: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: functionName(w.dispatchFunction) }] },
      WebhookDispatchThrottles: { Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: [{ Name: 'FunctionName', Value: functionName(w.dispatchFunction) }] },
      WebhookRetryErrors: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: functionName(w.retryFunction) }] },
      WebhookRetryThrottles: { Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: [{ Name: 'FunctionName', Value: functionName(w.retryFunction) }] },
      WebhooksDeadLetters: {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [prod.stack.getLogicalId(w.deadLetterQueue.node.defaultChild as never), 'QueueName'] } }],
      },
      WebhookFailures: { Namespace: 'DentalBooking/prod', MetricName: 'WebhookFailures' },
    };
    for (const [name, threshold] of Object.entries(WEBHOOK_ALARMS) as Array<[keyof typeof WEBHOOK_ALARMS, number]>) {
      expect(alarmNamed(prod.json, name), name).toMatchObject({ Threshold: threshold, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching', ...dimensions[name] });
    }
    expect(ALARM_THRESHOLDS).toMatchObject({ functionErrors: 1, functionThrottles: 1, deadLetters: 1, webhookFailures: 10 });
    const [topicId] = resourcesOfType(prod.json, 'AWS::SNS::Topic')[0]!;
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.AlarmDescription, id).toEqual(expect.any(String));
    }
  });

  it('encrypts the alarm topic with the log key, which CloudWatch may use to publish; TLS only; no subscription unless asked', () => {
    const [topicId, topic] = resourcesOfType(prod.json, 'AWS::SNS::Topic')[0]!;
    const [keyId, key] = resourcesOfType(prod.json, 'AWS::KMS::Key')[0]!;
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    const statement = (key.Properties.KeyPolicy.Statement as Json[]).find((s) => s.Sid === 'AllowCloudWatchAlarmsToNotify');
    expect(statement).toMatchObject({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] });
    const policy = resourcesOfType(prod.json, 'AWS::SNS::TopicPolicy')[0]![1];
    expect(policy.Properties.Topics).toEqual([{ Ref: topicId }]);
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    prod.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('has one dashboard, DentalBooking-prod, with the API, routes, problem types, business counts, functions and table; its link is an output', () => {
    const dashboards = resourcesOfType(prod.json, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const props = dashboards[0]![1].Properties;
    expect(props.DashboardName).toBe('DentalBooking-prod');
    const body = JSON.stringify(prod.stack.resolve(props.DashboardBody));
    for (const title of [
      'API requests and errors (API Gateway)',
      'API latency p50 / p99 (API Gateway)',
      'Bookings, conflicts (409), cancellations, cold starts',
      '4xx by problem type',
      'Requests per route',
      'p99 time per route (ms)',
      '5xx per route',
      '4xx per route',
      'Function errors (Lambda)',
      'Function throttles (Lambda)',
      'Table: throttles and system errors',
      'Alarms',
    ]) {
      expect(body, title).toContain(title);
    }
    for (const route of routeList) expect(body).toContain(`\\"${route.handler}\\"`);
    for (const name of ['Bookings', 'Conflicts', 'Cancellations', 'ColdStart', 'Problems']) expect(body).toContain(`\\"${name}\\"`);
    const url = prod.json.Outputs.DashboardUrl.Value['Fn::Join'][1] as Array<string | Json>;
    expect(url).toEqual(['https://', { Ref: 'AWS::Region' }, '.console.aws.amazon.com/cloudwatch/home?region=', { Ref: 'AWS::Region' }, '#dashboards/dashboard/', { Ref: dashboards[0]![0] }]);
  });
});

describe('a dev stage that asks for alarms, dashboard and tracing', () => {
  it('mails the address (alarmEmail) through the alarm topic', () => {
    const subscriptions = resourcesOfType(asked.json, 'AWS::SNS::Subscription');
    expect(subscriptions.map(([, s]) => s.Properties)).toEqual([expect.objectContaining({ Protocol: 'email', Endpoint: 'it@clinic.example' })]);
  });

  it('its topic has no customer managed key: acknowledged on the topic only, because the stage is not production', () => {
    const [, topic] = resourcesOfType(asked.json, 'AWS::SNS::Topic')[0]!;
    expect(topic.Properties.KmsMasterKeyId).toBeUndefined();
    const acks = acknowledgements(asked.app).filter((a) => a.rule === 'AwsSolutions-SNS2' || a.rule === 'HIPAA.Security-SNSEncryptedKMS');
    expect(acks.map((a) => a.rule).sort()).toEqual(['AwsSolutions-SNS2', 'HIPAA.Security-SNSEncryptedKMS']);
    for (const a of acks) {
      expect(a.construct).toBe(asked.stack.observability.topic);
      expect(a.reason).toBe(TOPIC_KEY_REASON);
    }
    // Its fixed cost: the alarms and the dashboard, no key.
    expect(fixedMonthlyCost(asked.json, prices).lines.map((l) => l.item)).toEqual(['CloudWatch alarm metrics', 'CloudWatch dashboard']);
  });

  it('traces every function with X-Ray (off by default), granted in its own managed policy and acknowledged there', () => {
    for (const { s, on } of [
      { s: asked, on: true },
      { s: dev, on: false },
      { s: prod, on: false },
    ]) {
      const { json, stack } = s;
      // Not the webhook key function: a custom resource that runs once per deployment, for
      // CloudFormation; its trace would say nothing about how the stage serves anyone.
      const keyId = stack.getLogicalId(stack.webhooks.keyFunction.node.defaultChild as never);
      const functions = resourcesOfType(json, 'AWS::Lambda::Function');
      expect(functions).toHaveLength(routeList.length + WEBHOOK_FUNCTION_COUNT);
      for (const [id, fn] of functions) {
        const traced = on && id !== keyId;
        expect(fn.Properties.TracingConfig, id).toEqual(traced ? { Mode: 'Active' } : undefined);
        const actions = statementsOfRole(json, fn.Properties.Role['Fn::GetAtt'][0]).flatMap((s) => [s.Action].flat());
        expect(actions.filter((a) => a.startsWith('xray:')).sort(), id).toEqual(traced ? [...TRACING_ACTIONS].sort() : []);
      }
      expect(resourcesOfType(json, 'AWS::IAM::Policy'), 'no inline policy').toEqual([]);
    }
    // On each traced function's own policy: the routes' and the webhook retry's with the tracing reason;
    // the dispatcher's `*` is one finding for ListStreams and X-Ray, acknowledged once with both reasons.
    const acks = acknowledgements(asked.app).filter((a) => a.rule === 'AwsSolutions-IAM5[Resource::*]');
    const policies = asked.stack.webhooks.policies;
    expect(acks).toHaveLength(routeList.length + 2);
    for (const a of acks) {
      if (a.construct === policies.dispatch) expect(a.reason).toBe(`${WILDCARD_REASONS.listStreams} ${TRACING_REASON}`);
      else expect(a.reason, a.construct.node.path).toBe(TRACING_REASON);
    }
    expect(acks.filter((a) => a.construct === policies.dispatch || a.construct === policies.retry)).toHaveLength(2);
    expect(acks.some((a) => a.construct === policies.key)).toBe(false);
  });
});

describe('throttles per route class', () => {
  const settingsOf = (json: Json) => resourcesOfType(json, 'AWS::ApiGatewayV2::Stage')[0]![1] as Json;

  it('sets every route’s limits from its class: read 50/100, write 20/40, booking 10/20, public 10/20', () => {
    expect(DEFAULT_ROUTE_THROTTLES).toEqual({
      read: { rateLimit: 50, burstLimit: 100 },
      write: { rateLimit: 20, burstLimit: 40 },
      booking: { rateLimit: 10, burstLimit: 20 },
      public: { rateLimit: 10, burstLimit: 20 },
    });
    const settings = settingsOf(prod.json).Properties.RouteSettings as Json;
    expect(Object.keys(settings).sort()).toEqual(routeList.map(routeKeyOf).sort());
    for (const route of routeList) {
      const limit = DEFAULT_ROUTE_THROTTLES[routeClass(route)];
      expect(settings[routeKeyOf(route)], route.name).toEqual({ ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit });
    }
  });

  it('classes routes from the route table', () => {
    expect(routeClass(routes.bookAppointment)).toBe('booking');
    expect(routeClass(routes.updateAppointment)).toBe('booking');
    expect(routeClass(routes.changeAppointmentStatus)).toBe('write');
    expect(routeClass(routes.createPatient)).toBe('write');
    expect(routeClass(routes.getAvailability)).toBe('read');
    expect(routeClass(routes.getDocsPage)).toBe('public');
    expect(routeClass(routes.getDeskAsset)).toBe('public');
    const counts = { read: 0, write: 0, booking: 0, public: 0 };
    for (const route of routeList) counts[routeClass(route)]++;
    expect(counts.booking).toBe(2);
    expect(Object.values(counts).every((n) => n > 0)).toBe(true);
  });

  it('takes a class’s limits from context, and the stage waits for the routes it names', () => {
    const stage = settingsOf(asked.json);
    expect(stage.Properties.RouteSettings[routeKeyOf(routes.bookAppointment)]).toEqual({ ThrottlingRateLimit: 3, ThrottlingBurstLimit: 6 });
    expect(stage.Properties.RouteSettings[routeKeyOf(routes.getAvailability)]).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    const routeIds = resourcesOfType(asked.json, 'AWS::ApiGatewayV2::Route').map(([id]) => id);
    expect([...stage.DependsOn].sort()).toEqual(expect.arrayContaining(routeIds.sort()));
  });
});
