/**
 * The whole product in one stack: one DynamoDB table, one HTTP API, and one Lambda function per entry
 * of the route table (infra/constructs/route-function.ts). Nothing here knows a path or a handler by
 * name: routes, table keys and indexes all come from shared/, so the stack cannot drift from the
 * handlers or from the local runtime.
 *
 * No API Gateway authorizer: every route that takes a token verifies it in its own function
 * (shared/http/handler.ts), with one strongly consistent GetItem of the token item sent together with
 * the route's first read — one Lambda invocation and one cold start per request, not two.
 */
import { Aspects, CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption, type CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { logsKey } from './constructs/logs-key.ts';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnLogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct, IConstruct } from 'constructs';
import { INDEXES, KEY, STREAM_VIEW_TYPE, TTL_ATTRIBUTE } from '#shared/db/table-definition.ts';
import { metricNamespace } from '#shared/observability/metrics.ts';
import { routeList } from '#shared/routes.ts';
import { Edge, type EdgeDomain } from './constructs/edge.ts';
import { Observability } from './constructs/observability.ts';
import { applyRouteThrottles } from './constructs/protection.ts';
import { RouteFunction } from './constructs/route-function.ts';
import { WEBHOOK_FUNCTIONS, Webhooks, type WebhookFunctionName } from './constructs/webhooks.ts';
import { defaultStageOptions, type StageOptions } from './stage-options.ts';

export {
  AUDIT_WRITE_ACTIONS,
  FUNCTION_ACKNOWLEDGEMENTS,
  READ_ACTIONS,
  TENANT_PARTITION_PATTERN,
  TOKEN_ACTIONS,
  TOKEN_PARTITION_PATTERN,
  WRITE_ACTIONS,
} from './constructs/route-function.ts';

/** How long audit entries are kept unless the `auditRetentionDays` context says otherwise (6 years). */
export const DEFAULT_AUDIT_RETENTION_DAYS = 2190;

/** Request headers a browser client may send cross-origin (when CORS is configured at all). */
export const CORS_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'] as const;
/** Response headers a browser client may read cross-origin. */
export const CORS_EXPOSE_HEADERS = ['ETag', 'Location', 'Retry-After'] as const;

/**
 * Logical id of the table in every deployed stack. The table holds the clinic's data: a new logical
 * id (or another resource type under this one) would make CloudFormation create a new, empty table
 * and delete the old one (dev) or orphan it (prod). The infra test holds it.
 */
export const TABLE_LOGICAL_ID = 'TableCD117FA1';

/** The shape every entry of INDEXES has; spelled out so a new index with another projection compiles. */
type IndexDefinition = {
  name: string;
  partitionKey: string;
  sortKey?: string;
  projection: { type: 'ALL' } | { type: 'KEYS_ONLY' } | { type: 'INCLUDE'; attributes: readonly string[] };
};

export type ThrottleSettings = { rateLimit: number; burstLimit: number };

/**
 * Tests only: which functions get their real esbuild bundle; every other function gets a stub (same
 * function, role and settings, inline placeholder code), so a test synthesizes the stack in seconds
 * instead of bundling every function. Refused under the CDK CLI: never for `cdk synth` or `cdk deploy`.
 */
export type TestCode = { bundle: readonly string[] };

export interface BookingStackProps extends StackProps {
  /** Environment name (`dev`, `prod`, ...). `prod` keeps the table and logs when the stack is deleted. */
  stage: string;
  /** Default throttling of the API stage, shared by all routes. */
  throttle?: ThrottleSettings;
  /** How long function and access logs are kept. */
  logRetention?: RetentionDays;
  /** Days audit entries are kept, given to the functions that write them (AUDIT_RETENTION_DAYS). */
  auditRetentionDays?: number;
  /**
   * Browser origins allowed to call the API cross-origin (exact `scheme://host[:port]`). None (the
   * default): no CORS configuration at all, so browsers on other origins cannot read any response.
   */
  corsOrigins?: readonly string[];
  /**
   * Operations choices (log key, alarms, dashboard, tracing, route throttles): infra/stage-options.ts,
   * read from context by booking-app.ts. Default: defaultStageOptions(stage).
   */
  options?: StageOptions;
  /**
   * With `options.waf`: the ARN of the stage's web ACL (infra/waf-stack.ts, us-east-1), which the
   * CloudFront distribution in front of the API attaches (infra/constructs/edge.ts).
   */
  webAclArn?: string;
  /** With `options.waf`: a custom domain and its us-east-1 certificate for the distribution (TLS 1.2+). */
  edgeDomain?: EdgeDomain;
  /** Tests only; see TestCode. */
  testCode?: TestCode;
}

export const DEFAULT_THROTTLE: ThrottleSettings = { rateLimit: 50, burstLimit: 100 };

/**
 * Why the public routes have no authorization (cdk-nag AwsSolutions-APIG4, acknowledged on each of
 * those routes).
 */
export const PUBLIC_ROUTE_REASON =
  'Public by design: the OpenAPI description of this API and its reference page (Swagger UI and its ' +
  'static script and style). They serve only what is in the code, no tenant or patient data; their ' +
  'functions have no table access (no DynamoDB permissions, no table name). Every other route ' +
  'verifies a bearer token in its function.';

/**
 * Why the routes that take a token have no API Gateway authorizer (cdk-nag AwsSolutions-APIG4,
 * acknowledged on each of those routes).
 */
export const TOKEN_ROUTE_REASON =
  'Authorized in the function instead of by API Gateway: the route\'s function verifies the bearer ' +
  'token itself, with a strongly consistent read of its TOKEN#<sha-256> item by key (GetItem, or one key ' +
  'of its first BatchGetItem: the only token-item access its role has), and answers 401/403 as problem+json before it returns anything it read or ' +
  'sends any write. A Lambda authorizer would add a second invocation and cold start to every request, ' +
  'and API Gateway cannot shape an authorizer\'s denials; a JWT authorizer cannot check these opaque, ' +
  'revocable tokens.';

/**
 * Why a log group of a stage that is not production has no customer managed key
 * (HIPAA.Security-CloudWatchLogGroupEncrypted, on each such log group only).
 */
export const LOG_KEY_REASON =
  'Not a production stage: CloudWatch Logs encrypts this log group at rest with its own keys; no customer ' +
  'managed KMS key is deployed, so an idle stage costs $0.00 (a key is about $1 a month). The logs carry ' +
  'ids, routes, statuses and timings, never patient data. A production stage always has the key ' +
  '(context production, logKey).';

/** Why the table has no AWS Backup plan (HIPAA.Security-DynamoDBInBackupPlan, on the table only). */
export const TABLE_BACKUP_REASON =
  'Backed up by point-in-time recovery (continuous, restorable to any second of the last 35 days, and ' +
  'kept 35 days as a system backup if the table is deleted), which this stack enables and tests; in ' +
  'prod the table also has deletion protection and is retained on stack deletion. An AWS Backup plan ' +
  'would duplicate that with a vault to administer.';

/**
 * Fields of one access-log line. Deliberately no `$context.path`, no query string and no headers:
 * paths and queries carry patient names and ids (`/patients?name=...`). `routeKey` is the route
 * template (`GET /api/v1/{org_id}/patients`), which says what was called without saying about whom.
 * Which token called is in the function's own log line of the request (same request id); sourceIp
 * is kept to trace abuse back to a client.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
  errorResponseType: '$context.error.responseType',
  sourceIp: '$context.identity.sourceIp',
} as const;

export class BookingStack extends Stack {
  readonly stage: string;
  readonly table: Table;
  /**
   * Customer managed key of every log group of the stack (function logs and API access logs), and of
   * the alarm topic; none on a stage without it (context logKey; production stages always have it).
   */
  readonly logKey?: Key;
  readonly options: StageOptions;
  /** The HTTP route of each route, by route name. */
  readonly routes: ReadonlyMap<string, HttpRoute>;
  readonly observability: Observability;
  /** CloudFront and its web ACL in front of the API (context `waf=true`), else none. */
  readonly edge?: Edge;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  /** The function of each route, by route name. */
  readonly functions: ReadonlyMap<string, LambdaFunction>;
  /** Webhook delivery: the stream's dispatcher, retries, the webhook key (infra/constructs/webhooks.ts). */
  readonly webhooks: Webhooks;

  constructor(scope: Construct, id: string, props: BookingStackProps) {
    super(scope, id, props);
    this.stage = props.stage;
    const options = props.options ?? defaultStageOptions(props.stage);
    this.options = options;
    const isProd = options.production;
    // Data (and, in prod, its audit trail) outlives the stack; a dev stack cleans up after itself.
    const removalPolicy = isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const auditRetentionDays = props.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS;
    if (!Number.isInteger(auditRetentionDays) || auditRetentionDays < 1) {
      throw new Error(`auditRetentionDays must be a positive integer, got ${auditRetentionDays}`);
    }
    const corsOrigins = props.corsOrigins === undefined ? undefined : validateCorsOrigins(props.corsOrigins);
    const bundled = testCodeBundles(props.testCode);

    this.table = this.createTable(isProd, removalPolicy);
    if (options.logKey) this.logKey = logsKey(this, `Encrypts the log groups of ${this.stackName}`, removalPolicy);
    else if (isProd) throw new Error('A production stage keeps its log key (see infra/stage-options.ts)');
    else Aspects.of(this).add({ visit: acknowledgeLogGroupWithoutKey });
    const logs = { retention: logRetention, removalPolicy, ...(this.logKey ? { encryptionKey: this.logKey } : {}) };
    const namespace = metricNamespace(props.stage);
    this.webhooks = new Webhooks(this, 'Webhooks', {
      table: this.table,
      stage: props.stage,
      logs,
      removalPolicy,
      metricNamespace: namespace,
      tracing: options.tracing,
      stub: (name: WebhookFunctionName) => bundled !== undefined && !bundled.has(name),
    });

    // Routes are created explicitly below, so no default stage: the one stage is created with access
    // logging and throttling (the stage HttpApi would create has neither).
    this.api = new HttpApi(this, 'Api', {
      apiName: `dental-booking-${props.stage}`,
      description: `Dental booking API (${props.stage})`,
      createDefaultStage: false,
      // Only when origins are configured: no CORS headers at all by default.
      ...(corsOrigins
        ? {
            corsPreflight: {
              allowOrigins: [...corsOrigins],
              allowMethods: [...new Set(routeList.map((r) => r.method))].map((m) => CorsHttpMethod[m]),
              allowHeaders: [...CORS_ALLOW_HEADERS],
              exposeHeaders: [...CORS_EXPOSE_HEADERS],
            },
          }
        : {}),
    });

    if (options.waf) {
      if (props.webAclArn === undefined) throw new Error('waf: the stack needs the ARN of its web ACL (infra/waf-stack.ts, created by infra/booking-app.ts)');
      this.edge = new Edge(this, 'Edge', { stage: props.stage, api: this.api, webAclArn: props.webAclArn, ...(props.edgeDomain ? { domain: props.edgeDomain } : {}) });
    } else if (props.webAclArn !== undefined || props.edgeDomain !== undefined) {
      throw new Error('webAclArn and edgeDomain are for a stage with the WAF (options.waf) only');
    }

    const functions = new Map<string, LambdaFunction>();
    const httpRoutes = new Map<string, HttpRoute>();
    for (const route of routeList) {
      const id = pascalCase(route.name);
      const { function: fn, policy } = new RouteFunction(this, id, {
        route,
        table: this.table,
        environment: {
          // Where the function publishes its metrics (shared/observability/metrics.ts): none without it.
          POWERTOOLS_METRICS_NAMESPACE: namespace,
          // Behind CloudFront: refuse what went around it (shared/http/middleware.ts assertViaEdge).
          ...(this.edge ? this.edge.functionEnvironment() : {}),
          ...(route.audit ? { AUDIT_RETENTION_DAYS: String(auditRetentionDays) } : {}),
        },
        logs,
        tracing: options.tracing,
        stub: bundled !== undefined && !bundled.has(route.name),
      });
      functions.set(route.name, fn);
      if (route.webhookKey) this.webhooks.grantKeyRead(fn, policy);
      const httpRoute = new HttpRoute(this, `${id}Route`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        // Payload 2.0: the APIGatewayProxyEventV2 the handlers (and the local server) are written for.
        integration: new HttpLambdaIntegration(`${id}Integration`, fn, {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        }),
        // No API Gateway authorization on any route: the public ones take no token, and every other
        // one verifies its token in its function. Explicitly none (not just omitted), so a default
        // authorizer added to the API later cannot silently change them.
        authorizer: new HttpNoneAuthorizer(),
      });
      Validations.of(httpRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: route.scope === 'public' ? PUBLIC_ROUTE_REASON : TOKEN_ROUTE_REASON,
      });
      httpRoutes.set(route.name, httpRoute);
    }
    this.functions = functions;
    this.routes = httpRoutes;

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', logs);
    this.apiStage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? DEFAULT_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    // Each route's own throttle, by its class in the route table (infra/constructs/protection.ts).
    applyRouteThrottles(this.apiStage, routeList.map((route) => ({ route, construct: httpRoutes.get(route.name)! })), options.routeThrottles);
    this.observability = new Observability(this, 'Observability', {
      stage: props.stage,
      namespace,
      api: this.api,
      table: this.table,
      routes: routeList.map((route) => ({ route, fn: functions.get(route.name)! })),
      alarms: options.alarms,
      dashboard: options.dashboard,
      latencyAlarms: options.latencyAlarms,
      ...(options.alarmEmail ? { alarmEmail: options.alarmEmail } : {}),
      ...(this.logKey ? { topicKey: this.logKey } : {}),
      production: isProd,
      extraFunctions: [
        { label: 'webhook dispatch', fn: this.webhooks.dispatchFunction },
        { label: 'webhook retry', fn: this.webhooks.retryFunction },
      ],
      deadLetterQueues: [{ label: 'webhooks', queue: this.webhooks.deadLetterQueue }],
      webhookMetrics: true,
    });

    new CfnOutput(this, 'ApiUrl', {
      // Behind the WAF, the API Gateway address refuses every request: only CloudFront's is published.
      value: this.edge ? `${this.edge.baseUrl}/` : this.apiStage.url,
      description: this.edge ? 'Base URL of the API (CloudFront, behind AWS WAF)' : 'Base URL of the API',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The single DynamoDB table' });
  }

  /**
   * The table: `Table` (AWS::DynamoDB::Table), deliberately not `TableV2`. TableV2 synthesizes an
   * AWS::DynamoDB::GlobalTable, and CloudFormation cannot turn a deployed Table into a GlobalTable by
   * a template change: under the same logical id the new type is a new resource, i.e. a new, empty
   * table, with the old one deleted (dev) or orphaned (prod) — AWS documents that such a change may
   * delete the table. Moving to TableV2 takes the documented migration on every deployed stack
   * (retain, remove from the stack, `cdk import` as a GlobalTable), not a code change alone. The
   * logical id is pinned (TABLE_LOGICAL_ID) so that moving this code cannot replace the table either.
   */
  private createTable(isProd: boolean, removalPolicy: RemovalPolicy): Table {
    const table = new Table(this, 'Table', {
      partitionKey: { name: KEY.partition, type: AttributeType.STRING },
      sortKey: { name: KEY.sort, type: AttributeType.STRING },
      // Pay per request: nothing to pay while idle, nothing to size.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Encrypted at rest with the AWS managed KMS key (aws/dynamodb): key use shows in CloudTrail, no
      // key to administer or pay for monthly, and no kms:* permission for the functions. The HIPAA
      // Security pack asks for encryption at rest, not for a customer managed key.
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // The webhook dispatcher's source (infra/constructs/webhooks.ts).
      stream: StreamViewType[STREAM_VIEW_TYPE],
      deletionProtection: isProd,
      removalPolicy,
    });
    for (const index of Object.values(INDEXES) as readonly IndexDefinition[]) {
      const { projection } = index;
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        // Index keys are strings by convention (token prefixes, ISO instants), like pk/sk.
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        ...(index.sortKey ? { sortKey: { name: index.sortKey, type: AttributeType.STRING } } : {}),
        ...(projection.type === 'INCLUDE'
          ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...projection.attributes] }
          : { projectionType: projection.type === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY }),
      });
    }
    (table.node.defaultChild as CfnTable).overrideLogicalId(TABLE_LOGICAL_ID);
    Validations.of(table).acknowledge({ id: 'HIPAA.Security-DynamoDBInBackupPlan', reason: TABLE_BACKUP_REASON });
    return table;
  }
}

/**
 * Checks a CORS allowlist: exact origins (`https://host[:port]`, or `http://` for localhost only),
 * never a wildcard. Returns them without duplicates.
 */
export function validateCorsOrigins(origins: readonly string[]): string[] {
  if (origins.length === 0) throw new Error('corsOrigins is empty: omit it for no CORS, or list the allowed origins.');
  for (const origin of origins) {
    if (origin.includes('*')) {
      throw new Error(
        `corsOrigins must list exact origins, not "${origin}": a wildcard would let any web page call ` +
          'this API with whatever token its user holds. List each allowed origin, e.g. https://app.example.com.',
      );
    }
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`corsOrigins: "${origin}" is not an origin (expected e.g. https://app.example.com).`);
    }
    const localhost = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.origin !== origin || !(url.protocol === 'https:' || (url.protocol === 'http:' && localhost))) {
      throw new Error(
        `corsOrigins: "${origin}" is not an exact https origin (scheme://host[:port], no path or trailing ` +
          'slash; http only for localhost).',
      );
    }
  }
  return [...new Set(origins)];
}

/**
 * The route names whose functions get their real bundle under TestCode (undefined: every function,
 * as always outside tests). Refused when the CDK CLI runs the app (it sets CDK_OUTDIR).
 */
function testCodeBundles(testCode: TestCode | undefined): ReadonlySet<string> | undefined {
  if (testCode === undefined) return undefined;
  if (process.env.CDK_OUTDIR !== undefined) throw new Error('testCode (stub functions) is for tests only, never under the CDK CLI');
  const unknown = testCode.bundle.filter((name) => !routeList.some((route) => route.name === name) && !(name in WEBHOOK_FUNCTIONS));
  if (unknown.length > 0) throw new Error(`testCode.bundle: no such route ${unknown.join(', ')}`);
  return new Set(testCode.bundle);
}

/**
 * On a stage without the log key (never production): acknowledges the HIPAA finding on each log group
 * that has no key — every log group of the stack, whichever construct made it — and on nothing else.
 */
function acknowledgeLogGroupWithoutKey(node: IConstruct) {
  if (node instanceof CfnLogGroup && node.kmsKeyId === undefined) {
    Validations.of(node).acknowledge({ id: 'HIPAA.Security-CloudWatchLogGroupEncrypted', reason: LOG_KEY_REASON });
  }
}

/** `searchPatients` -> `SearchPatients`, for construct ids. */
function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
