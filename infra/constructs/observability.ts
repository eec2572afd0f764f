/**
 * Is the stage healthy, and will someone be told when it is not: the alarms (with their SNS topic and
 * an optional email subscription) and one CloudWatch dashboard, from the functions' own metrics
 * (shared/observability/metrics.ts) and the free metrics of API Gateway, Lambda and DynamoDB.
 *
 * Both are billed monthly (per alarm metric, per dashboard: infra/cost/fixed-cost.ts), so a stage
 * that is not production gets neither unless asked (infra/stage-options.ts). Choices made for cost:
 * - function errors and throttles of the API's functions are not alarmed one function at a time
 *   (two alarm metrics per route): API Gateway answers every one of them with a 5xx, which the 5xx
 *   rate alarm watches; the dashboard shows them per function. Functions outside the API (the
 *   webhook dispatcher) get their own Errors and Throttles alarms (`extraFunctions`);
 * - p99 latency is alarmed per route (`latencyAlarms=route`), or once for the API (`api`).
 *
 * Webhook inputs are optional, for the webhook construct to pass when it exists: functions to alarm
 * on, dead-letter queues (alarm as soon as one holds a message) and the delivery metrics.
 */
import { Aws, CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROBLEM_TYPES } from '#shared/errors.ts';
import { DIMENSION, METRIC, METRIC_SERVICE, OTHER_PROBLEM } from '#shared/observability/metrics.ts';
import type { RouteSpec } from '#shared/routes/spec.ts';
import { routeClass, type RouteClass } from './protection.ts';
import { AUDIT_WRITE_ACTIONS, READ_ACTIONS, WRITE_ACTIONS } from './route-function.ts';
import type { LatencyAlarms } from '../stage-options.ts';

const PERIOD = Duration.minutes(5);

/** Every threshold, in one place (README, "Alarms", lists them). */
export const ALARM_THRESHOLDS = {
  /** 5xx answers of the API, percent of its requests in 5 minutes, in 2 of 3 periods... */
  apiFaultRatePercent: 5,
  /** ...counted only from this many requests in the period (below, one error is not a rate). */
  apiFaultMinRequests: 10,
  /** p99 of a route's function time, per route class, in 3 consecutive 5-minute periods. */
  routeLatencyP99Ms: { read: 1000, write: 2000, booking: 2000, public: 1000 } satisfies Record<RouteClass, number>,
  /** p99 of API Gateway's latency for the whole API (`latencyAlarms=api`). */
  apiLatencyP99Ms: 2000,
  /** DynamoDB read + write throttle events in 5 minutes (the SDK retries a few; more is a sign). */
  tableThrottleEvents: 5,
  /** DynamoDB system errors (its own 500s) in 5 minutes, over the operations the functions use. */
  tableSystemErrors: 1,
  /** Errors, and throttles, of a function outside the API in 5 minutes. */
  functionErrors: 1,
  functionThrottles: 1,
  /** Messages waiting in a dead-letter queue. */
  deadLetters: 1,
  /** Failed webhook delivery attempts in 15 minutes (retries included). */
  webhookFailures: 10,
} as const;

/**
 * DynamoDB operations whose SystemErrors are alarmed: what the functions are granted, as DynamoDB
 * names them in its metrics (a transaction's items are one TransactWriteItems).
 */
export const TABLE_OPERATIONS: readonly string[] = [
  ...new Set(
    [...READ_ACTIONS, ...WRITE_ACTIONS, ...AUDIT_WRITE_ACTIONS]
      .map((action) => action.replace(/^dynamodb:/, ''))
      .filter((op) => op !== 'ConditionCheckItem')
      .concat('TransactWriteItems'),
  ),
];

export interface ObservabilityProps {
  stage: string;
  /** The functions' metric namespace (POWERTOOLS_METRICS_NAMESPACE). */
  namespace: string;
  api: HttpApi;
  table: ITable;
  /** The route functions, with their route. */
  routes: ReadonlyArray<{ route: Pick<RouteSpec, 'handler' | 'method' | 'path' | 'scope' | 'table'> & { name: string }; fn: IFunction }>;
  alarms: boolean;
  dashboard: boolean;
  latencyAlarms: LatencyAlarms;
  alarmEmail?: string;
  /** Encrypts the alarm topic (the stage's log key); without one, the topic uses SNS's default (non-production only). */
  topicKey?: IKey;
  /** Whether the stage is production: only elsewhere may the topic go without a customer managed key. */
  production: boolean;
  /** Functions outside the API (webhook dispatch and retry): an Errors and a Throttles alarm each. */
  extraFunctions?: ReadonlyArray<{ label: string; fn: IFunction }>;
  /** Dead-letter queues: an alarm as soon as one holds a message. */
  deadLetterQueues?: ReadonlyArray<{ label: string; queue: IQueue }>;
  /** The webhook delivery metrics exist (recordWebhookAttempt): their widgets and failure alarm. */
  webhookMetrics?: boolean;
}

/** Why the alarm topic of a stage that is not production has no customer managed key (cdk-nag). */
export const TOPIC_KEY_REASON =
  'Not a production stage: no customer managed KMS key is deployed (it would cost about $1 a month while ' +
  'idle); alarm notifications carry alarm names and figures only, never patient data. A production ' +
  'stage encrypts this topic with its log key.';

export class Observability extends Construct {
  readonly alarms: Alarm[] = [];
  readonly topic?: Topic;
  readonly dashboard?: Dashboard;
  private readonly props: ObservabilityProps;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.props = props;
    if (props.alarms) {
      this.topic = this.createTopic(props);
      this.createAlarms(props);
      for (const alarm of this.alarms) alarm.addAlarmAction(new SnsAction(this.topic));
    }
    if (props.dashboard) {
      this.dashboard = this.createDashboard(props);
      new CfnOutput(scope, 'DashboardUrl', {
        value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${this.dashboard.dashboardName}`,
        description: 'The CloudWatch dashboard of the stage',
      });
    }
  }

  private metric(name: string, dimensions: Record<string, string>, statistic: string, period = PERIOD): Metric {
    return new Metric({ namespace: this.props.namespace, metricName: name, dimensionsMap: { [DIMENSION.service]: METRIC_SERVICE, ...dimensions }, statistic, period });
  }

  private apiMetric(name: string, statistic: string): Metric {
    return new Metric({ namespace: 'AWS/ApiGateway', metricName: name, dimensionsMap: { ApiId: this.props.api.apiId }, statistic, period: PERIOD });
  }

  private tableMetric(name: string, extra: Record<string, string> = {}): Metric {
    return new Metric({ namespace: 'AWS/DynamoDB', metricName: name, dimensionsMap: { TableName: this.props.table.tableName, ...extra }, statistic: 'Sum', period: PERIOD });
  }

  private createTopic(props: ObservabilityProps): Topic {
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: `Dental booking ${props.stage} alarms`,
      enforceSSL: true,
      ...(props.topicKey ? { masterKey: props.topicKey } : {}),
    });
    if (props.topicKey) {
      // CloudWatch publishes the alarm notifications: it needs the key of an encrypted topic.
      props.topicKey.addToResourcePolicy(
        new PolicyStatement({
          sid: 'AllowCloudWatchAlarmsToNotify',
          principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        }),
      );
    } else if (!props.production) {
      for (const rule of ['AwsSolutions-SNS2', 'HIPAA.Security-SNSEncryptedKMS']) Validations.of(topic).acknowledge({ id: rule, reason: TOPIC_KEY_REASON });
    }
    if (props.alarmEmail) topic.addSubscription(new EmailSubscription(props.alarmEmail));
    return topic;
  }

  private alarm(id: string, description: string, metric: IMetric, threshold: number, evaluationPeriods = 1, datapointsToAlarm = evaluationPeriods): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods,
      datapointsToAlarm,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // An idle stage has no data: that is not a failure.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(alarm);
    return alarm;
  }

  private createAlarms(props: ObservabilityProps) {
    const t = ALARM_THRESHOLDS;
    this.alarm(
      'ApiFaultRate',
      `More than ${t.apiFaultRatePercent}% of the API's answers were 5xx (server errors, function errors, timeouts and throttles) in 2 of 3 five-minute periods with at least ${t.apiFaultMinRequests} requests.`,
      new MathExpression({
        expression: `IF(requests >= ${t.apiFaultMinRequests}, 100 * faults / requests, 0)`,
        usingMetrics: { requests: this.apiMetric('Count', 'Sum'), faults: this.apiMetric('5xx', 'Sum') },
        label: '5xx %',
        period: PERIOD,
      }),
      t.apiFaultRatePercent,
      3,
      2,
    );
    if (props.latencyAlarms === 'route') {
      for (const { route } of props.routes) {
        const cls = routeClass(route);
        this.alarm(
          `Latency${pascal(route.name)}`,
          `p99 time of ${route.method} ${route.path} (${cls}) over ${t.routeLatencyP99Ms[cls]} ms for 15 minutes.`,
          this.metric(METRIC.latency, { [DIMENSION.route]: route.handler }, 'p99'),
          t.routeLatencyP99Ms[cls],
          3,
        );
      }
    } else {
      this.alarm('ApiLatency', `p99 latency of the API over ${t.apiLatencyP99Ms} ms for 15 minutes.`, this.apiMetric('Latency', 'p99'), t.apiLatencyP99Ms, 3);
    }
    this.alarm(
      'TableThrottles',
      `DynamoDB throttled ${t.tableThrottleEvents} or more reads and writes of the table in 5 minutes.`,
      new MathExpression({ expression: 'reads + writes', usingMetrics: { reads: this.tableMetric('ReadThrottleEvents'), writes: this.tableMetric('WriteThrottleEvents') }, label: 'throttle events', period: PERIOD }),
      t.tableThrottleEvents,
    );
    this.alarm(
      'TableSystemErrors',
      'DynamoDB answered requests on the table with its own errors (HTTP 500) in 5 minutes.',
      new MathExpression({
        expression: TABLE_OPERATIONS.map((_, i) => `op${i}`).join(' + '),
        usingMetrics: Object.fromEntries(TABLE_OPERATIONS.map((op, i) => [`op${i}`, this.tableMetric('SystemErrors', { Operation: op })])),
        label: 'system errors',
        period: PERIOD,
      }),
      t.tableSystemErrors,
    );
    for (const { label, fn } of props.extraFunctions ?? []) {
      this.alarm(`${pascal(label)}Errors`, `${label}: function errors in 5 minutes.`, fn.metricErrors({ period: PERIOD, statistic: 'Sum' }), t.functionErrors);
      this.alarm(`${pascal(label)}Throttles`, `${label}: function throttles in 5 minutes.`, fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }), t.functionThrottles);
    }
    for (const { label, queue } of props.deadLetterQueues ?? []) {
      this.alarm(
        `${pascal(label)}DeadLetters`,
        `${label}: messages are waiting in the dead-letter queue.`,
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        t.deadLetters,
      );
    }
    if (props.webhookMetrics) {
      this.alarm(
        'WebhookFailures',
        `${t.webhookFailures} or more webhook delivery attempts failed in 15 minutes.`,
        this.metric(METRIC.webhookFailures, {}, 'Sum', Duration.minutes(15)),
        t.webhookFailures,
      );
    }
  }

  private createDashboard(props: ObservabilityProps): Dashboard {
    const routes = props.routes;
    const perRoute = (name: string, statistic: string, label: (handler: string) => string) =>
      routes.map(({ route }) => this.metric(name, { [DIMENSION.route]: route.handler }, statistic).with({ label: label(route.handler) }));
    const graph = (title: string, left: IMetric[], width = 12) => new GraphWidget({ title, left, width, height: 6, legendPosition: undefined });
    const problems = [...Object.entries(PROBLEM_TYPES).filter(([, p]) => p.status < 500).map(([type]) => type), OTHER_PROBLEM];
    const widgets: IWidget[][] = [
      [
        new TextWidget({
          markdown:
            `# Dental booking API (${props.stage})\n` +
            'Requests, errors and latency of the API and of each route; bookings, conflicts and cancellations; ' +
            "the functions' errors and throttles; the table's throttles and errors. Route figures are the function's own time. " +
            'README.md, "Operations", explains each figure and alarm.',
          width: 24,
          height: 2,
        }),
      ],
      [
        graph('API requests and errors (API Gateway)', [this.apiMetric('Count', 'Sum').with({ label: 'requests' }), this.apiMetric('4xx', 'Sum').with({ label: '4xx' }), this.apiMetric('5xx', 'Sum').with({ label: '5xx' })]),
        graph('API latency p50 / p99 (API Gateway)', [this.apiMetric('Latency', 'p50').with({ label: 'p50' }), this.apiMetric('Latency', 'p99').with({ label: 'p99' })]),
      ],
      [
        graph('Bookings, conflicts (409), cancellations, cold starts', [
          this.metric(METRIC.bookings, {}, 'Sum').with({ label: 'bookings' }),
          this.metric(METRIC.conflicts, {}, 'Sum').with({ label: 'conflicts' }),
          this.metric(METRIC.cancellations, {}, 'Sum').with({ label: 'cancellations' }),
          this.metric(METRIC.coldStart, {}, 'Sum').with({ label: 'cold starts' }),
        ]),
        graph('4xx by problem type', problems.map((p) => this.metric(METRIC.problems, { [DIMENSION.problem]: p }, 'Sum').with({ label: p }))),
      ],
      [graph('Requests per route', perRoute(METRIC.latency, 'SampleCount', (h) => h)), graph('p99 time per route (ms)', perRoute(METRIC.latency, 'p99', (h) => h))],
      [graph('5xx per route', perRoute(METRIC.fault, 'Sum', (h) => h)), graph('4xx per route', perRoute(METRIC.clientError, 'Sum', (h) => h))],
      [
        graph('Function errors (Lambda)', routes.map(({ route, fn }) => fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: route.handler }))),
        graph('Function throttles (Lambda)', routes.map(({ route, fn }) => fn.metricThrottles({ period: PERIOD, statistic: 'Sum', label: route.handler }))),
      ],
      [
        graph('Table: consumed capacity', [this.tableMetric('ConsumedReadCapacityUnits').with({ label: 'read units' }), this.tableMetric('ConsumedWriteCapacityUnits').with({ label: 'write units' })]),
        graph('Table: throttles and system errors', [
          this.tableMetric('ReadThrottleEvents').with({ label: 'read throttles' }),
          this.tableMetric('WriteThrottleEvents').with({ label: 'write throttles' }),
          ...TABLE_OPERATIONS.map((op) => this.tableMetric('SystemErrors', { Operation: op }).with({ label: `system errors ${op}` })),
        ]),
      ],
    ];
    const webhook: IWidget[] = [];
    if (props.webhookMetrics) {
      webhook.push(graph('Webhook deliveries and failures', [this.metric(METRIC.webhookDeliveries, {}, 'Sum').with({ label: 'attempts' }), this.metric(METRIC.webhookFailures, {}, 'Sum').with({ label: 'failures' })], 8));
    }
    for (const { label, queue } of props.deadLetterQueues ?? []) {
      webhook.push(graph(`${label}: dead letters`, [queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' })], 8));
    }
    if ((props.extraFunctions ?? []).length > 0) {
      webhook.push(
        graph(
          'Other functions: errors and throttles',
          (props.extraFunctions ?? []).flatMap(({ label, fn }) => [fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: `${label} errors` }), fn.metricThrottles({ period: PERIOD, statistic: 'Sum', label: `${label} throttles` })]),
          8,
        ),
      );
    }
    if (webhook.length > 0) widgets.push(webhook);
    if (this.alarms.length > 0) widgets.push([new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: Math.min(12, 2 + Math.ceil(this.alarms.length / 4)) })]);
    return new Dashboard(this, 'Dashboard', { dashboardName: `DentalBooking-${props.stage}`, widgets, defaultInterval: Duration.hours(24) });
  }
}

/** `book-appointment` or `bookAppointment` -> `BookAppointment`, for construct ids. */
function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
