/**
 * One route's Lambda function with everything it comes with: its own log group (encrypted, with a
 * retention), its own role with one customer managed policy (its log group, and exactly the DynamoDB
 * access the route table gives the route), the esbuild bundle of `functions/<handler>.ts`, and the
 * cdk-nag acknowledgements every function carries. Read-only unless the route asks for more: its
 * `table` access says whether it may write, `audit` whether it may put audit entries, `indexes` which
 * indexes it may query, and a route that takes a token may read token items (GetItem only).
 */
import { Duration, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Function as LambdaFunction, Runtime, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { keys } from '#shared/db/keys.ts';
import type { IndexName } from '#shared/db/table-definition.ts';
import type { RouteSpec } from '#shared/routes.ts';
import { DESK_BUILD_FOLDER } from '#shared/schemas/desk.ts';

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
 * The token lookup of a route that takes a token: the token item by its hash, with a GetItem of its
 * own, or as one more key of the route's first BatchGetItem (shared/db/request-gate.ts) — which then
 * mixes tenant items and that token item, so its grant names both partitions (CARRIER_ACTIONS).
 */
export const TOKEN_ACTIONS = ['dynamodb:GetItem'] as const;
export const CARRIER_ACTIONS = ['dynamodb:BatchGetItem'] as const;

/**
 * Partition-key patterns (IAM `StringLike`) of the `dynamodb:LeadingKeys` condition that every
 * DynamoDB grant of a function carries. They mirror shared/db/keys.ts, which forms every key; the
 * infra test checks every key builder there against them.
 * - TENANT: every key of tenant data, on the table and on every index (`ORG#<org>...`). The reads and
 *   writes of every data function are limited to it.
 * - TOKEN: the token items (`keys.token`: `TOKEN#<sha-256>`). A route that takes a token verifies it
 *   itself (shared/http/handler.ts), so it may read them by key — GetItem, or BatchGetItem together
 *   with tenant items — and nothing else: no Query, no index, no write. No function writes one:
 *   tokens are created and revoked by the admin CLI, with the operator's credentials.
 * - Audit partitions: `keys.auditPartitionPattern` (`ORG#*#AUDIT#*`), the only write of a read route.
 * TODO(lead): move TENANT and TOKEN into shared/db/keys.ts beside auditPartitionPattern.
 */
export const TENANT_PARTITION_PATTERN = keys.tenantPartitionPattern;
export const TOKEN_PARTITION_PATTERN = keys.tokenPartitionPattern;

/**
 * The only DynamoDB actions a grant may name: each is a request on items whose partition keys it
 * names, so the `ForAllValues` LeadingKeys condition constrains it. (`ForAllValues` over a request
 * with no partition key — a Scan, a PartiQL statement — is vacuously true: such an action would be
 * granted on every partition.) TransactWriteItems and TransactGetItems have no action of their own:
 * each of their items is authorised as the PutItem/UpdateItem/DeleteItem/ConditionCheckItem/GetItem it is.
 */
const KEYED_ACTIONS: ReadonlySet<string> = new Set([...READ_ACTIONS, ...WRITE_ACTIONS, ...AUDIT_WRITE_ACTIONS, ...TOKEN_ACTIONS, ...CARRIER_ACTIONS]);

/**
 * cdk-nag HIPAA Security findings on every Lambda function that are acknowledged (on each function,
 * nowhere else), and why.
 */
export const FUNCTION_ACKNOWLEDGEMENTS = {
  'HIPAA.Security-LambdaConcurrency':
    'No reserved concurrency: Lambda keeps at least 100 of an account\'s concurrency unreserved, so an ' +
    'account at the default quota of a new account (10) cannot reserve any and the deploy would fail; in a ' +
    'larger account each reserved unit is taken from the account pool even while idle. Request volume is ' +
    "bounded in front of the functions by the API stage's throttling, per route (rate and burst limits by " +
    'route class, infra/constructs/protection.ts), and every request\'s work is bounded (page sizes, limits).',
  'HIPAA.Security-LambdaDLQ':
    'Invoked only synchronously, by API Gateway: a failure is returned to the caller as an error ' +
    'response and logged, never retried in the background, so a dead-letter queue (which applies to ' +
    'asynchronous invocations only) would never receive anything.',
  'HIPAA.Security-LambdaInsideVPC':
    'No VPC: the function reaches only DynamoDB and CloudWatch Logs, both AWS service endpoints over ' +
    'TLS authorised by its IAM role; there is no resource in a VPC to reach. A VPC would add NAT or ' +
    'endpoints and cold-start cost without narrowing network access to anything.',
} as const;

/** What X-Ray active tracing needs (context `tracing=true`); X-Ray has no resource-level permissions. */
export const TRACING_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] as const;
export const TRACING_REASON =
  'X-Ray tracing (context tracing=true): xray:PutTraceSegments and xray:PutTelemetryRecords do not support ' +
  'resource-level permissions, so they are granted on "*"; they only send trace data of this function.';

/** Repository root, from which `functions/<handler>.ts` entries are resolved (independent of the cwd). */
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The module a route's function is built from. */
export function functionEntry(handler: string): string {
  return `${REPO_ROOT}functions/${handler}.ts`;
}

/**
 * Modules the bundles take from this repository instead of a package (esbuild `alias`, paths from the
 * repository root). The SDK's default credential chain becomes the one link that runs in Lambda:
 * shared/db/lambda-credentials.ts says why (135 KiB and about a quarter of a bare client's init).
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './shared/db/lambda-credentials.ts',
};

/**
 * How every function is bundled. No source map: a 2.8 MB map per function, and
 * `--enable-source-maps` to use it, cost init time on every cold start, and the logs carry error
 * names only, never stack traces (which could quote data).
 */
export const BUNDLING: BundlingOptions = {
  minify: true,
  sourceMap: false,
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
  // Resolved in the bundler's working directory, the repository root (`projectRoot` below).
  esbuildArgs: { '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`) },
};

/** The code the tests' stub functions get: it names its module and does nothing else. */
export function stubCode(handler: string): string {
  return `// Test stub of functions/${handler}.ts (never deployed)\nexports.handler = async () => { throw new Error('stub'); };\n`;
}

export interface RouteFunctionProps {
  /** The route (from the route table) this function serves. */
  route: Pick<RouteSpec, 'method' | 'path' | 'summary' | 'handler' | 'scope' | 'table' | 'indexes' | 'audit' | 'bundleFiles' | 'bundleBuild'>;
  /** The table. A function with `table: 'none'` gets neither permissions on it nor its name. */
  table: ITable;
  /** Extra environment variables. */
  environment?: Record<string, string>;
  /** Without `encryptionKey` (a stage without the log key), CloudWatch Logs' own encryption. */
  logs: { retention: RetentionDays; removalPolicy: RemovalPolicy; encryptionKey?: IKey };
  /**
   * X-Ray active tracing (context `tracing=true`): the function's role may then send trace segments
   * (`xray:PutTraceSegments`/`PutTelemetryRecords`, which have no resource-level permissions).
   */
  tracing?: boolean;
  /**
   * Tests only (see BookingStackProps.testCode): a stub instead of the esbuild bundle — the same
   * function, role and settings, only the code differs. Never for `cdk synth` or `cdk deploy`.
   */
  stub?: boolean;
}

export class RouteFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly policy: ManagedPolicy;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: RouteFunctionProps) {
    super(scope, id);
    const { route, table } = props;

    this.logGroup = new LogGroup(this, 'Logs', props.logs);
    // Our own role rather than CDK's default, so it carries no AWS managed policy
    // (AWSLambdaBasicExecutionRole may write to every log group of the account).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${route.handler}`,
    });
    // A customer managed policy attached to this role only (HIPAA.Security-IAMNoInlinePolicy), rather
    // than an inline one.
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: `Access of ${route.handler}`,
      roles: [this.role],
      statements: [
        // The log group's ARN attribute is `arn:...:log-group:<name>:*`: its own streams only.
        new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
        ...routeStatements(route, table),
        ...(props.tracing ? [new PolicyStatement({ actions: [...TRACING_ACTIONS], resources: ['*'] })] : []),
      ],
    });
    if (props.tracing) Validations.of(this.policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: TRACING_REASON });

    const entry = functionEntry(route.handler);
    const settings = {
      description: `${route.method} ${route.path}: ${route.summary}`.slice(0, 256),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        ...(route.table === 'none' ? {} : { TABLE_NAME: table.tableName }),
        ...props.environment,
      },
    };
    if (props.stub) {
      // What NodejsFunction checks before it bundles: the module exists.
      if (!existsSync(entry)) throw new Error(`No module ${entry} for ${route.method} ${route.path}`);
      this.function = new LambdaFunction(this, 'Function', { ...settings, handler: 'index.handler', code: Code.fromInline(stubCode(route.handler)) });
    } else {
      this.function = new NodejsFunction(this, 'Function', {
        ...settings,
        entry,
        // Bundle from the repository root whatever the cwd: it is the commandHooks' inputDir.
        projectRoot: REPO_ROOT,
        depsLockFilePath: `${REPO_ROOT}package-lock.json`,
        handler: 'handler',
        bundling: {
          ...BUNDLING,
          ...(route.bundleFiles?.length || route.bundleBuild ? { commandHooks: bundleHooks(route.bundleFiles ?? [], route.bundleBuild) } : {}),
        },
      });
    }
    // Set on the resource rather than through CDK's `tracing`, which would add the X-Ray grant as an inline policy.
    if (props.tracing) (this.function.node.defaultChild as CfnFunction).tracingConfig = { mode: 'Active' };
    for (const [rule, reason] of Object.entries(FUNCTION_ACKNOWLEDGEMENTS)) Validations.of(this.function).acknowledge({ id: rule, reason });
  }
}

/**
 * DynamoDB access of a route: reads on the table and exactly its indexes, writes on the table, all
 * in tenant partitions only (`ORG#*`); the token lookup (GetItem of `TOKEN#*` items, or BatchGetItem
 * of tenant items with them) for a route that takes a token; nothing at all for `none`. A route that records audit entries also gets the
 * audit-only grant.
 */
export function routeStatements(route: RouteFunctionProps['route'], table: ITable): PolicyStatement[] {
  const indexes = route.indexes ?? [];
  if (route.table === 'none') {
    if (route.scope !== 'public') throw new Error(`${route.method} ${route.path} takes a token, so it needs table access to verify it`);
    if (indexes.length > 0) throw new Error(`A route without table access cannot query indexes (${indexes.join(', ')})`);
    if (route.audit) throw new Error('A route without table access cannot record audit entries');
    return [];
  }
  const statements = [tableStatement(table, [...READ_ACTIONS], indexes, [TENANT_PARTITION_PATTERN])];
  if (route.table === 'read-write') statements.push(tableStatement(table, [...WRITE_ACTIONS], [], [TENANT_PARTITION_PATTERN]));
  // Only items whose partition key is an audit partition (`ORG#<org>#AUDIT#<id>`).
  if (route.audit) statements.push(tableStatement(table, [...AUDIT_WRITE_ACTIONS], [], [keys.auditPartitionPattern]));
  if (route.scope !== 'public') {
    statements.push(tableStatement(table, [...TOKEN_ACTIONS], [], [TOKEN_PARTITION_PATTERN]));
    // The route's first batch read may carry the token's key: tenant items and token items together.
    statements.push(tableStatement(table, [...CARRIER_ACTIONS], [], [TENANT_PARTITION_PATTERN, TOKEN_PARTITION_PATTERN]));
  }
  return statements;
}

/**
 * DynamoDB actions on the table (and the named indexes), limited to items whose partition key
 * matches one of `partitions` (IAM `dynamodb:LeadingKeys`; on an index, the index's partition key).
 * `ForAllValues` so that a BatchGetItem or BatchWriteItem is allowed only when every one of its
 * items' keys matches one of the patterns.
 */
function tableStatement(table: ITable, actions: string[], indexes: readonly IndexName[], partitions: readonly string[]): PolicyStatement {
  const unkeyed = actions.filter((action) => !KEYED_ACTIONS.has(action));
  if (unkeyed.length > 0) throw new Error(`Not an item action a LeadingKeys condition can limit: ${unkeyed.join(', ')}`);
  if (partitions.length === 0) throw new Error('A table grant needs at least one partition pattern');
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions,
    resources: [table.tableArn, ...indexes.map((name) => `${table.tableArn}/index/${name}`)],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...partitions] } },
  });
}

/**
 * Build scripts of a route's `bundleBuild`, run from the repository root with the folder to fill:
 * the front desk page (its TypeScript and style through esbuild, the calendar's files, hashed names).
 */
export const BUNDLE_BUILDS: Readonly<Record<NonNullable<RouteSpec['bundleBuild']>, { script: string; folder: string }>> = {
  desk: { script: 'infra/desk/build.ts', folder: DESK_BUILD_FOLDER },
};

/**
 * Bundling hooks that copy `node_modules/<path>` files into the bundle directory, flat (beside
 * index.mjs), and run the route's build into a folder beside it: at synth, from the sources of the
 * commit being deployed. The commands run in bash (local bundling, or Docker bundling's Linux image).
 */
function bundleHooks(paths: readonly string[], build: RouteSpec['bundleBuild']): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => [
      ...(paths.length ? [`cp -- ${paths.map((path) => shellQuote(`${inputDir}/node_modules/${path}`)).join(' ')} ${shellQuote(`${outputDir}/`)}`] : []),
      ...(build
        ? [`cd ${shellQuote(inputDir)} && node --import tsx ${shellQuote(BUNDLE_BUILDS[build].script)} ${shellQuote(`${outputDir}/${BUNDLE_BUILDS[build].folder}`)}`]
        : []),
    ],
  };
}

/** POSIX single-quoting: the argument as one word, whatever it contains. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
