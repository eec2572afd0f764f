/**
 * The whole product in one stack: one DynamoDB table, one HTTP API, and one Lambda function per entry
 * of the route table (plus the bearer-token authorizer). Nothing here knows a path or a handler by
 * name: routes, table keys and indexes all come from shared/, so the stack cannot drift from the
 * handlers or from the local runtime.
 */
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
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
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { keys } from '#shared/db/keys.ts';
import { INDEXES, KEY, TTL_ATTRIBUTE, type IndexName } from '#shared/db/table-definition.ts';
import { authorizerFunction, routeList, type RouteSpec, type TableAccess } from '#shared/routes.ts';

/** Item reads a function may make. Query covers the GSIs, whose ARNs are granted separately. */
export const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;

/**
 * Item writes of a `read-write` function. ConditionCheckItem is what the condition-only entries of a
 * TransactWriteItems are authorised as; the transaction's puts and deletes need PutItem/DeleteItem.
 */
export const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * What a function that records audit entries (`audit: true`) may write, on the table only and only
 * to audit partitions (condition below): one entry with PutItem, several with BatchWriteItem. A
 * read-only route gets no other write; a read-write route keeps its own (unconditional) writes.
 */
export const AUDIT_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'] as const;

/**
 * Partition-key patterns (IAM `StringLike`) of the `dynamodb:LeadingKeys` condition that every
 * DynamoDB grant of a function carries. They mirror shared/db/keys.ts, which forms every key; the
 * infra test checks every key builder there against them.
 * - TENANT: every key of tenant data, on the table and on every index (`ORG#<org>...`). Every data
 *   function is limited to it, so none can reach a token item.
 * - TOKEN: the token items (`keys.token`: `TOKEN#<sha-256>`), which the authorizer reads and nothing
 *   else. No function writes one: tokens are created and revoked by the admin CLI, with the
 *   operator's credentials.
 * - Audit partitions: `keys.auditPartitionPattern` (`ORG#*#AUDIT#*`), the only write of a read route.
 * TODO(lead): move TENANT and TOKEN into shared/db/keys.ts beside auditPartitionPattern.
 */
export const TENANT_PARTITION_PATTERN = 'ORG#*';
export const TOKEN_PARTITION_PATTERN = 'TOKEN#*';

/**
 * The only DynamoDB actions a grant may name: each is a request on items whose partition keys it
 * names, so the `ForAllValues` LeadingKeys condition constrains it. (`ForAllValues` over a request
 * with no partition key — a Scan, a PartiQL statement — is vacuously true: such an action would be
 * granted on every partition.) TransactWriteItems and TransactGetItems have no action of their own:
 * each of their items is authorised as the PutItem/UpdateItem/DeleteItem/ConditionCheckItem/GetItem it is.
 */
const KEYED_ACTIONS: ReadonlySet<string> = new Set([...READ_ACTIONS, ...WRITE_ACTIONS, ...AUDIT_WRITE_ACTIONS]);

/** How long audit entries are kept unless the `auditRetentionDays` context says otherwise (6 years). */
export const DEFAULT_AUDIT_RETENTION_DAYS = 2190;

/** Request headers a browser client may send cross-origin (when CORS is configured at all). */
export const CORS_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'] as const;
/** Response headers a browser client may read cross-origin. */
export const CORS_EXPOSE_HEADERS = ['ETag', 'Location', 'Retry-After'] as const;

/** The shape every entry of INDEXES has; spelled out so a new index with another projection compiles. */
type IndexDefinition = {
  name: string;
  partitionKey: string;
  sortKey?: string;
  projection: { type: 'ALL' } | { type: 'KEYS_ONLY' } | { type: 'INCLUDE'; attributes: readonly string[] };
};

export type ThrottleSettings = { rateLimit: number; burstLimit: number };

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
}

export const DEFAULT_THROTTLE: ThrottleSettings = { rateLimit: 50, burstLimit: 100 };

/** Repository root, from which `functions/<handler>.ts` entries are resolved (independent of the cwd). */
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));


/**
 * Why the public routes have no authorizer (cdk-nag AwsSolutions-APIG4, acknowledged on each of those
 * routes and nowhere else).
 */
const PUBLIC_ROUTE_REASON =
  'Public by design: the OpenAPI description of this API and its reference page (Swagger UI and its ' +
  'static script and style). They serve only what is in the code, no tenant or patient data; their ' +
  'functions have no table access (no DynamoDB permissions, no table name). Every other route has the ' +
  'bearer-token authorizer.';

/**
 * cdk-nag HIPAA Security findings on every Lambda function that are acknowledged (on each function,
 * nowhere else), and why.
 */
export const FUNCTION_ACKNOWLEDGEMENTS = {
  'HIPAA.Security-LambdaConcurrency':
    'No reserved concurrency: it would cap this on-demand API per route and take concurrency from the ' +
    'account pool even while idle. Request volume is bounded in front of the functions by the API ' +
    "stage's throttling (rate and burst limits), which is what protects the table and the account.",
  'HIPAA.Security-LambdaDLQ':
    'Invoked only synchronously (by API Gateway, or as its authorizer): a failure is returned to the ' +
    'caller as an error response and logged, never retried in the background, so a dead-letter queue ' +
    '(which applies to asynchronous invocations only) would never receive anything.',
  'HIPAA.Security-LambdaInsideVPC':
    'No VPC: the function reaches only DynamoDB and CloudWatch Logs, both AWS service endpoints over ' +
    'TLS authorised by its IAM role; there is no resource in a VPC to reach. A VPC would add NAT or ' +
    'endpoints and cold-start cost without narrowing network access to anything.',
} as const;

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
 * The authorizer's verdict (organisation, token id — never the secret — or the rejection reason)
 * answers "who called"; sourceIp is kept to trace abuse back to a client.
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
  authorizerError: '$context.authorizer.error',
  orgId: '$context.authorizer.org_id',
  tokenId: '$context.authorizer.token_id',
  authRejection: '$context.authorizer.rejection',
  sourceIp: '$context.identity.sourceIp',
} as const;

export class BookingStack extends Stack {
  readonly stage: string;
  readonly table: Table;
  /** Customer managed key of every log group of the stack (function logs and API access logs). */
  readonly logKey: Key;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  /** The function of each route, by route name, plus `authorizer`. */
  readonly functions: ReadonlyMap<string, NodejsFunction>;

  constructor(scope: Construct, id: string, props: BookingStackProps) {
    super(scope, id, props);
    this.stage = props.stage;
    const isProd = props.stage === 'prod';
    // Data (and, in prod, its audit trail) outlives the stack; a dev stack cleans up after itself.
    const removalPolicy = isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const auditRetentionDays = props.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS;
    if (!Number.isInteger(auditRetentionDays) || auditRetentionDays < 1) {
      throw new Error(`auditRetentionDays must be a positive integer, got ${auditRetentionDays}`);
    }
    const corsOrigins = props.corsOrigins === undefined ? undefined : validateCorsOrigins(props.corsOrigins);

    this.table = this.createTable(isProd, removalPolicy);
    this.logKey = this.createLogKey(removalPolicy);
    const logs = { retention: logRetention, removalPolicy, encryptionKey: this.logKey };

    const functions = new Map<string, NodejsFunction>();
    const authorizerFn = this.createFunction('Authorizer', {
      handler: authorizerFunction.handler,
      description: 'Bearer-token authorizer: identifies the token, every route enforces the verdict',
      table: authorizerFunction.table,
      // One GetItem of the token item by its hash (shared/domain/tokens.ts authorizeBearer): token
      // partitions only — no tenant data, no Query, no index, no writes.
      statements: [this.tableStatement(['dynamodb:GetItem'], [], [TOKEN_PARTITION_PATTERN])],
      logs,
    });
    functions.set('authorizer', authorizerFn);

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

    /*
     * The authorizer always answers isAuthorized:true with its verdict in the context, and the route
     * enforces it (shared/http/auth.ts), so callers get problem+json 401/403 rather than API
     * Gateway's bare `{"message":"Forbidden"}`. It has no identity source and no result cache: with
     * the Authorization header as identity source, API Gateway would itself answer a request without
     * the header with a bare 401 the contract does not allow, and a cache would keep a revoked token
     * working for its TTL. The price is one small Lambda call and one GetItem per request — fractions
     * of a cent per thousand calls, and nothing while idle.
     */
    const authorizer = new HttpLambdaAuthorizer('BearerTokenAuthorizer', authorizerFn, {
      authorizerName: 'bearer-token',
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });

    for (const route of routeList) {
      const id = pascalCase(route.name);
      const fn = this.createFunction(id, {
        handler: route.handler,
        description: `${route.method} ${route.path}: ${route.summary}`,
        table: route.table,
        statements: this.routeStatements(route),
        packageFiles: route.bundleFiles,
        environment: route.audit ? { AUDIT_RETENTION_DAYS: String(auditRetentionDays) } : {},
        logs,
      });
      functions.set(route.name, fn);
      const isPublic = route.scope === 'public';
      const httpRoute = new HttpRoute(this, `${id}Route`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        // Payload 2.0: the APIGatewayProxyEventV2 the handlers (and the local server) are written for.
        integration: new HttpLambdaIntegration(`${id}Integration`, fn, {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        }),
        // Explicitly none (not just omitted) for public routes, so a default authorizer added to the
        // API later cannot silently change them.
        authorizer: isPublic ? new HttpNoneAuthorizer() : authorizer,
      });
      if (isPublic) Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: PUBLIC_ROUTE_REASON });
    }
    this.functions = functions;

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

    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url, description: 'Base URL of the API' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The single DynamoDB table' });
  }

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
    Validations.of(table).acknowledge({ id: 'HIPAA.Security-DynamoDBInBackupPlan', reason: TABLE_BACKUP_REASON });
    return table;
  }

  /**
   * One KMS key (rotated yearly) for every log group: function logs may carry request details and
   * access logs carry caller ids, so they are encrypted at rest with a key whose use CloudTrail shows.
   * CloudWatch Logs of this account and region may use it, and only for log groups of this account
   * and region (the encryption context CloudWatch Logs sets); the account root keeps administration.
   */
  private createLogKey(removalPolicy: RemovalPolicy): Key {
    const key = new Key(this, 'LogsKey', {
      description: `Encrypts the log groups of ${this.stackName}`,
      enableKeyRotation: true,
      // Retained log groups (prod) stay readable only while their key exists.
      removalPolicy,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        // The actions AWS documents for CloudWatch Logs encryption.
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );
    return key;
  }

  /**
   * DynamoDB access of a route: reads on the table and exactly its indexes, writes on the table, all
   * in tenant partitions only (`ORG#*`: never a token item); nothing at all for `none`. A route that
   * records audit entries also gets the audit-only grant.
   */
  private routeStatements(route: Pick<RouteSpec, 'table' | 'indexes' | 'audit'>): PolicyStatement[] {
    const indexes = route.indexes ?? [];
    if (route.table === 'none') {
      if (indexes.length > 0) throw new Error(`A route without table access cannot query indexes (${indexes.join(', ')})`);
      if (route.audit) throw new Error('A route without table access cannot record audit entries');
      return [];
    }
    const statements = [this.tableStatement([...READ_ACTIONS], indexes, [TENANT_PARTITION_PATTERN])];
    if (route.table === 'read-write') statements.push(this.tableStatement([...WRITE_ACTIONS], [], [TENANT_PARTITION_PATTERN]));
    // Only items whose partition key is an audit partition (`ORG#<org>#AUDIT#<id>`).
    if (route.audit) statements.push(this.tableStatement([...AUDIT_WRITE_ACTIONS], [], [keys.auditPartitionPattern]));
    return statements;
  }

  /**
   * DynamoDB actions on the table (and the named indexes), limited to items whose partition key
   * matches one of `partitions` (IAM `dynamodb:LeadingKeys`; on an index, the index's partition key).
   * `ForAllValues` so that a BatchGetItem or BatchWriteItem is allowed only when every one of its
   * items' keys matches.
   */
  private tableStatement(actions: string[], indexes: readonly IndexName[], partitions: readonly string[]): PolicyStatement {
    const unkeyed = actions.filter((action) => !KEYED_ACTIONS.has(action));
    if (unkeyed.length > 0) throw new Error(`Not an item action a LeadingKeys condition can limit: ${unkeyed.join(', ')}`);
    if (partitions.length === 0) throw new Error('A table grant needs at least one partition pattern');
    return new PolicyStatement({
      effect: Effect.ALLOW,
      actions,
      resources: [this.table.tableArn, ...indexes.map((name) => `${this.table.tableArn}/index/${name}`)],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...partitions] } },
    });
  }

  /**
   * One function with its own role and log group. The role is ours rather than CDK's default so it
   * carries no AWS managed policy (AWSLambdaBasicExecutionRole may write to every log group of the
   * account): it may write to its own log group and do what `statements` say, nothing else. A
   * function without table access does not get the table's name either.
   */
  private createFunction(
    id: string,
    options: {
      handler: string;
      description: string;
      table: TableAccess;
      statements: PolicyStatement[];
      /** Paths under node_modules to copy next to index.mjs (the route's `bundleFiles`). */
      packageFiles?: readonly string[];
      /** Extra environment variables. */
      environment?: Record<string, string>;
      logs: { retention: RetentionDays; removalPolicy: RemovalPolicy; encryptionKey: Key };
    },
  ): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, options.logs);
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${options.handler}`,
    });
    // A customer managed policy attached to this role only (HIPAA.Security-IAMNoInlinePolicy), rather
    // than an inline one; still no AWS managed policy (AWSLambdaBasicExecutionRole may write to every
    // log group of the account).
    new ManagedPolicy(this, `${id}Policy`, {
      description: `Access of ${options.handler}`,
      roles: [role],
      statements: [
        // The log group's ARN attribute is `arn:...:log-group:<name>:*`: its own streams only.
        new PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
        ...options.statements,
      ],
    });

    const fn = new NodejsFunction(this, `${id}Function`, {
      entry: `${REPO_ROOT}functions/${options.handler}.ts`,
      // Bundle from the repository root whatever the cwd: it is the commandHooks' inputDir.
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      handler: 'handler',
      description: options.description.slice(0, 256),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      role,
      logGroup,
      environment: {
        ...(options.table === 'none' ? {} : { TABLE_NAME: this.table.tableName }),
        ...options.environment,
        // Stack traces point at the TypeScript sources (the bundles carry source maps).
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        minify: true,
        sourceMap: true,
        format: OutputFormat.ESM,
        target: 'node24',
        // Prefer packages' ESM builds, which tree-shake better.
        mainFields: ['module', 'main'],
        // ESM has no `require`, but CommonJS dependencies bundled into the ESM output still call it.
        banner: "import { createRequire as topLevelCreateRequire } from 'module';const require = topLevelCreateRequire(import.meta.url);",
        // Always the local esbuild (a devDependency): no Docker needed to synth or deploy.
        forceDockerBundling: false,
        // Bundle the AWS SDK too: the version is the one package-lock pins and the tests ran against,
        // not whatever the Lambda runtime happens to ship.
        externalModules: [],
        ...(options.packageFiles?.length ? { commandHooks: copyPackageFiles(options.packageFiles) } : {}),
      },
    });
    for (const [id, reason] of Object.entries(FUNCTION_ACKNOWLEDGEMENTS)) Validations.of(fn).acknowledge({ id, reason });
    return fn;
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
 * Bundling hooks that copy `node_modules/<path>` files into the bundle directory, flat (beside
 * index.mjs). The commands run in bash (local bundling, or Docker bundling's Linux image).
 */
function copyPackageFiles(paths: readonly string[]): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => [
      `cp -- ${paths.map((path) => shellQuote(`${inputDir}/node_modules/${path}`)).join(' ')} ${shellQuote(`${outputDir}/`)}`,
    ],
  };
}

/** POSIX single-quoting: the argument as one word, whatever it contains. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `searchPatients` -> `SearchPatients`, for construct ids. */
function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
