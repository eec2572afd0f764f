/**
 * The synthesized CloudFormation of the stack, checked against the route table and the table
 * definition it is built from, plus cdk-nag. The dev stack is synthesized once with real esbuild
 * bundling (so the bundles themselves are checked too); the prod stack only differs in retention
 * settings, so it skips bundling to keep the run short.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { Validations, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CfnRoute, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, CfnTable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { createBookingApp, stackName } from '../../infra/booking-app.ts';
import {
  CORS_ALLOW_HEADERS,
  CORS_EXPOSE_HEADERS,
  FUNCTION_ACKNOWLEDGEMENTS,
  TABLE_BACKUP_REASON,
  TENANT_PARTITION_PATTERN,
  TOKEN_PARTITION_PATTERN,
  type BookingStack,
} from '../../infra/booking-stack.ts';
import { keys } from '#shared/db/keys.ts';
import { INDEXES, KEY, TTL_ATTRIBUTE } from '#shared/db/table-definition.ts';
import { authorizerFunction, routeList, routes } from '#shared/routes.ts';
import { DOCS_ASSETS } from '#shared/schemas/docs.ts';

// ---------------------------------------------------------------------------------------------
// Synthesis helpers
// ---------------------------------------------------------------------------------------------

type Json = Record<string, any>;

/** The same context `cdk synth` uses (feature flags, defaults), so tests and CLI build one stack. */
const CDK_JSON_CONTEXT: Json = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Builds the app exactly as infra/app.ts does, for one stage. Does not synthesize yet. */
function buildApp(stage: string, options: { bundle: boolean; context?: Json }) {
  const outdir = mkdtempSync(join(tmpdir(), `cdk-${stage}-`));
  outdirs.push(outdir);
  return createBookingApp({
    outdir,
    context: {
      ...CDK_JSON_CONTEXT,
      stage,
      // What the CLI sets: asset metadata on resources (where each function's bundle is) and paths.
      'aws:cdk:enable-asset-metadata': true,
      'aws:cdk:enable-path-metadata': true,
      // No stack in the list = no esbuild run (assets become placeholders); the CLI does the same
      // for stacks it is not deploying.
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
}

type Synthesized = { app: App; stack: BookingStack; template: Template; json: Json; assemblyDir: string };

/** Synthesizes like `cdk synth`: validation plugins (cdk-nag) run and throw on any finding. */
function synthesize(stage: string, options: { bundle: boolean }): Synthesized {
  const { app, stack } = buildApp(stage, options);
  const assembly = app.synth();
  const template = Template.fromStack(stack); // reuses the assembly above
  return { app, stack, template, json: template.toJSON(), assemblyDir: assembly.directory };
}

function resourcesOfType(json: Json, type: string): Array<[string, Json]> {
  return Object.entries(json.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);
}

/** Logical id of `{ "Fn::GetAtt": [id, "Arn"] }` / `{ "Ref": id }`. */
function referencedId(value: Json): string {
  const id = value?.['Fn::GetAtt']?.[0] ?? value?.Ref;
  if (typeof id !== 'string') throw new Error(`Not a reference: ${JSON.stringify(value)}`);
  return id;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Json };

/**
 * Every statement granted to a role: its inline policies and any AWS::IAM::Policy or customer managed
 * policy (AWS::IAM::ManagedPolicy of this template) attached to it.
 */
function statementsOfRole(json: Json, roleId: string): Statement[] {
  const role = json.Resources[roleId] as Json;
  const inline = (role.Properties.Policies ?? []).flatMap((p: Json) => p.PolicyDocument.Statement);
  const attached = [...resourcesOfType(json, 'AWS::IAM::Policy'), ...resourcesOfType(json, 'AWS::IAM::ManagedPolicy')]
    .filter(([, p]) => (p.Properties.Roles ?? []).some((r: Json) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  return [...inline, ...attached];
}

const actionsOf = (statements: Statement[]): string[] => statements.flatMap((s) => asArray(s.Action));

/** Route key -> the logical ids of its function and that function's role, traced through the template. */
function wiringOfRoute(json: Json, routeKey: string): { functionId: string; roleId: string } {
  const routes = resourcesOfType(json, 'AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === routeKey);
  expect(routes, `exactly one route ${routeKey}`).toHaveLength(1);
  const [, route] = routes[0]!;
  // Target is `integrations/<IntegrationId>`, written as an Fn::Join.
  const integrationId = referencedId(route.Properties.Target['Fn::Join'][1][1]);
  const integration = json.Resources[integrationId] as Json;
  const functionId = referencedId(integration.Properties.IntegrationUri);
  return { functionId, roleId: referencedId(json.Resources[functionId].Properties.Role) };
}

function authorizerWiring(json: Json): { authorizerId: string; functionId: string; roleId: string } {
  const authorizers = resourcesOfType(json, 'AWS::ApiGatewayV2::Authorizer');
  expect(authorizers).toHaveLength(1);
  const [authorizerId, authorizer] = authorizers[0]!;
  const uriParts: Json[] = authorizer.Properties.AuthorizerUri['Fn::Join'][1];
  const functionId = referencedId(uriParts.find((p) => p?.['Fn::GetAtt'])!);
  return { authorizerId, functionId, roleId: referencedId(json.Resources[functionId].Properties.Role) };
}

const routeKeyOf = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
const publicRoutes = routeList.filter((r) => r.scope === 'public');
const auditRoutes = routeList.filter((r) => r.audit === true);
const tenantRoutes = routeList.filter((r) => r.scope !== 'public');
const tablelessRoutes = routeList.filter((r) => r.table === 'none');

/** Where the files the docs-asset function serves come from. */
const swaggerUiFile = (name: string) => fileURLToPath(import.meta.resolve(`swagger-ui-dist/${name}`));

/** The condition every DynamoDB statement of a function carries: the partitions it may touch. */
const leadingKeysCondition = (patterns: string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns } });
/** Written out here rather than imported, so a change in the stack has to change the test too. */
const TENANT_PATTERN = 'ORG#*';
const TOKEN_PATTERN = 'TOKEN#*';
/** Reads and writes of a data function: tenant partitions, on the table and its indexes. */
const TENANT_CONDITION = leadingKeysCondition([TENANT_PATTERN]);
/** The one condition under which a read-only route may write: audit partitions only. */
const AUDIT_CONDITION = leadingKeysCondition([keys.auditPartitionPattern]);
/** The token lookup's only grant. */
const TOKEN_CONDITION = leadingKeysCondition([TOKEN_PATTERN]);

/** IAM `StringLike`: `*` is any run of characters (none included), `?` any one; case-sensitive. */
function stringLike(pattern: string, value: string): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

/**
 * Could this statement apply to an item whose partition key is `pk`? Only a condition that is
 * exactly one `ForAllValues:StringLike` on `dynamodb:LeadingKeys` counts as a limit; a statement
 * with no condition, or any other, is taken to allow every partition.
 */
function statementAllowsPartition(statement: Statement, pk: string): boolean {
  const condition = statement.Condition;
  const operators = Object.keys(condition ?? {});
  if (operators.length !== 1 || operators[0] !== 'ForAllValues:StringLike') return true;
  const byKey = condition!['ForAllValues:StringLike'] as Json;
  if (Object.keys(byKey).length !== 1 || !('dynamodb:LeadingKeys' in byKey)) return true;
  return asArray(byKey['dynamodb:LeadingKeys'] as string | string[]).some((pattern) => stringLike(pattern, pk));
}

/**
 * One example partition key from every key builder of shared/db/keys.ts (placeholder ids), index
 * partitions included (`{ partition, sort }` builders), so a new builder is checked without a test
 * change. String members (IAM patterns) are not keys.
 */
function examplePartitionKeys(): Array<{ builder: string; pk: string }> {
  const call = (fn: (...args: string[]) => unknown) => fn(...Array.from({ length: fn.length }, (_, i) => `id${i}`));
  const examples: Array<{ builder: string; pk: string }> = [];
  for (const [name, member] of Object.entries(keys) as Array<[string, unknown]>) {
    if (typeof member === 'string') continue;
    if (typeof member === 'function') {
      const key = call(member as (...args: string[]) => unknown) as Json;
      if (typeof key?.pk !== 'string') throw new Error(`keys.${name}: no pk`);
      examples.push({ builder: name, pk: key.pk });
    } else if (typeof (member as Json)?.partition === 'function') {
      const pk = call((member as Json).partition);
      if (typeof pk !== 'string') throw new Error(`keys.${name}.partition: not a string`);
      examples.push({ builder: `${name}.partition`, pk });
    } else {
      throw new Error(`keys.${name}: a key builder of an unknown shape; teach this test about it`);
    }
  }
  return examples;
}

/** Actions whose requests name the partition keys they touch (what a LeadingKeys condition can limit). */
const KEYED_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:BatchWriteItem',
];

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:TransactWriteItems',
];

// ---------------------------------------------------------------------------------------------

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synthesize('dev', { bundle: true });
  prod = synthesize('prod', { bundle: false });
});

describe('one function and one route per route-table entry', () => {
  it('has one Lambda function per route plus the authorizer, and nothing else', () => {
    dev.template.resourceCountIs('AWS::Lambda::Function', routeList.length + 1);
  });

  it('has exactly the routes of the route table', () => {
    const routes = resourcesOfType(dev.json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(routeList.map(routeKeyOf).sort());
  });

  it('puts every tenant route behind the bearer-token authorizer', () => {
    const { authorizerId } = authorizerWiring(dev.json);
    const routes = resourcesOfType(dev.json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(tenantRoutes.length).toBeGreaterThan(0);
    for (const key of tenantRoutes.map(routeKeyOf)) {
      expect(routes.find((r) => r.RouteKey === key), key).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
    }
  });

  it('leaves exactly the public routes (the API description) without authorization', () => {
    const routes = resourcesOfType(dev.json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const unauthorized = routes.filter((r) => r.AuthorizationType !== 'CUSTOM');
    expect(unauthorized.map((r) => r.RouteKey).sort()).toEqual(publicRoutes.map(routeKeyOf).sort());
    for (const route of unauthorized) {
      expect(route.AuthorizationType, route.RouteKey).toBe('NONE');
      expect(route.AuthorizerId, route.RouteKey).toBeUndefined();
    }
    // The public routes are the API description and nothing else.
    expect(publicRoutes.map((r) => r.tag)).toEqual(publicRoutes.map(() => 'API description'));
  });

  it('gives every route its own function (no function serves two routes)', () => {
    const functionIds = routeList.map((r) => wiringOfRoute(dev.json, `${r.method} ${r.path}`).functionId);
    expect(new Set(functionIds).size).toBe(routeList.length);
    expect(functionIds).not.toContain(authorizerWiring(dev.json).functionId);
  });

  it('integrates each route as a Lambda proxy with payload format 2.0', () => {
    const integrations = resourcesOfType(dev.json, 'AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(routeList.length);
    for (const [, integration] of integrations) {
      expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    }
  });

  it('configures the authorizer: simple responses, called on every request (no identity source, no cache)', () => {
    const authorizers = dev.template.findResources('AWS::ApiGatewayV2::Authorizer');
    const [only] = Object.values(authorizers) as { Properties: Record<string, unknown> }[];
    expect(Object.keys(authorizers)).toHaveLength(1);
    expect(only!.Properties).toMatchObject({ AuthorizerType: 'REQUEST', AuthorizerPayloadFormatVersion: '2.0', EnableSimpleResponses: true, AuthorizerResultTtlInSeconds: 0 });
    // An identity source would let API Gateway answer a missing header with a bare 401 itself.
    expect(only!.Properties.IdentitySource ?? []).toEqual([]);
  });
});

describe('bundles', () => {
  /** Directory of the bundled code of a function (from the asset metadata CDK writes). */
  const bundleDir = (functionId: string) =>
    join(dev.assemblyDir, dev.json.Resources[functionId].Metadata['aws:asset:path'] as string);

  /** Every bundled function: the routes' and the authorizer's. */
  const bundled = [
    ...routeList.map((r) => ({ handler: r.handler, routeKey: `${r.method} ${r.path}` as string | undefined })),
    { handler: authorizerFunction.handler, routeKey: undefined },
  ];
  const functionIdOf = (routeKey: string | undefined) =>
    routeKey ? wiringOfRoute(dev.json, routeKey).functionId : authorizerWiring(dev.json).functionId;

  it.each(bundled)('$handler: a self-contained ESM bundle of its functions/ module', ({ handler, routeKey }) => {
    const dir = bundleDir(functionIdOf(routeKey));
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    const sourceMap = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[] };
    // The route is wired to the handler module the route table names.
    expect(sourceMap.sources.some((s) => s.endsWith(`functions/${handler}.ts`))).toBe(true);
    // ESM needs the banner's `require` for CommonJS code inside the bundle.
    expect(code.startsWith('import { createRequire as topLevelCreateRequire }')).toBe(true);
    // The AWS SDK is bundled (pinned by package-lock), not imported from the runtime.
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(sourceMap.sources.some((s) => s.includes('node_modules/@aws-sdk/'))).toBe(true);
  });

  /** Runs an ES module script in a separate node process (Node's own ESM loader, not vitest's). */
  const runNode = (script: string, env: Record<string, string> = {}) =>
    execFileSync(process.execPath, ['--input-type=module', '--enable-source-maps', '-e', script], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        LOG_LEVEL: 'silent',
        // The bundled SDK warns that the Node.js running this test (not Lambda's 24) will age out.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...env,
      },
    });
  const indexUrl = (routeKey: string | undefined) => pathToFileURL(join(bundleDir(functionIdOf(routeKey)), 'index.mjs')).href;

  it('loads in plain Node.js as an ES module exporting a handler function', () => {
    // Importing runs module-load code (config, SDK client) but sends nothing.
    const withTable = bundled.filter(({ routeKey }) => !tablelessRoutes.some((r) => routeKeyOf(r) === routeKey));
    const script = (urls: string[]) => `for (const url of ${JSON.stringify(urls)}) console.log(typeof (await import(url)).handler);`;
    const out = runNode(script(withTable.map(({ routeKey }) => indexUrl(routeKey))), { TABLE_NAME: 'bundle-load-test' });
    expect(out.trim().split('\n')).toEqual(withTable.map(() => 'function'));
    // Functions without table access get no TABLE_NAME: they must load without one.
    const tableless = runNode(script(tablelessRoutes.map((r) => indexUrl(routeKeyOf(r)))));
    expect(tableless.trim().split('\n')).toEqual(tablelessRoutes.map(() => 'function'));
  });

  it('ships the reference page files beside the docs-asset bundle, and only there', () => {
    const names = Object.keys(DOCS_ASSETS);
    expect(names.length).toBeGreaterThan(0);
    const docsAssetDir = bundleDir(functionIdOf(routeKeyOf(routes.getDocsAsset)));
    expect(readdirSync(docsAssetDir).sort()).toEqual(['index.mjs', 'index.mjs.map', ...names].sort());
    for (const name of names) {
      expect(readFileSync(join(docsAssetDir, name)).equals(readFileSync(swaggerUiFile(name))), name).toBe(true);
    }
    // Every other bundle is esbuild's output and nothing more.
    for (const { handler, routeKey } of bundled.filter((b) => b.handler !== routes.getDocsAsset.handler)) {
      expect(readdirSync(bundleDir(functionIdOf(routeKey))).sort(), handler).toEqual(['index.mjs', 'index.mjs.map']);
    }
  });

  it('docs-asset bundle serves the files it ships (plain and gzip)', () => {
    const dir = bundleDir(functionIdOf(routeKeyOf(routes.getDocsAsset)));
    const invoke = (asset: string, headers: Record<string, string>) => ({
      asset,
      event: {
        version: '2.0',
        routeKey: routeKeyOf(routes.getDocsAsset),
        rawPath: `/docs/${asset}`,
        rawQueryString: '',
        headers,
        pathParameters: { asset },
        isBase64Encoded: false,
        requestContext: {
          accountId: '123456789012',
          apiId: 'bundle-test',
          domainName: 'bundle-test.example',
          domainPrefix: 'bundle-test',
          requestId: `bundle-test-${asset}`,
          routeKey: routeKeyOf(routes.getDocsAsset),
          stage: '$default',
          time: '01/Jan/2025:00:00:00 +0000',
          timeEpoch: 1_735_689_600_000,
          http: { method: 'GET', path: `/docs/${asset}`, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
        },
      },
    });
    const calls = [invoke('swagger-ui.css', {}), invoke('swagger-ui-bundle.js', { 'accept-encoding': 'gzip, deflate, br' })];
    // The bundle must not fall back to the package: outside the repository, nothing resolves it.
    const script = `
      import { createRequire } from 'node:module';
      const url = ${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)};
      let resolvable = true;
      try { createRequire(url).resolve('swagger-ui-dist/package.json'); } catch { resolvable = false; }
      const { handler } = await import(url);
      const results = [];
      for (const { asset, event } of ${JSON.stringify(calls)}) {
        const context = { awsRequestId: event.requestContext.requestId, functionName: 'get-docs-asset', getRemainingTimeInMillis: () => 10_000 };
        const started = performance.now();
        const result = await handler(event, context);
        results.push({ asset, ms: Math.round(performance.now() - started), result });
      }
      console.log(JSON.stringify({ resolvable, results }));`;
    const { resolvable, results } = JSON.parse(runNode(script)) as {
      resolvable: boolean;
      results: Array<{ asset: keyof typeof DOCS_ASSETS; ms: number; result: Json }>;
    };
    expect(resolvable, 'swagger-ui-dist resolvable from the bundle directory').toBe(false);

    const [css, js] = results;
    expect(css!.result).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'content-type': DOCS_ASSETS['swagger-ui.css'] } });
    expect(css!.result.headers['content-encoding']).toBeUndefined();
    expect(Buffer.from(css!.result.body, 'base64').equals(readFileSync(swaggerUiFile('swagger-ui.css')))).toBe(true);

    expect(js!.result).toMatchObject({
      statusCode: 200,
      isBase64Encoded: true,
      headers: { 'content-type': DOCS_ASSETS['swagger-ui-bundle.js'], 'content-encoding': 'gzip' },
    });
    expect(gunzipSync(Buffer.from(js!.result.body, 'base64')).equals(readFileSync(swaggerUiFile('swagger-ui-bundle.js')))).toBe(true);
  });
});

describe('least privilege', () => {
  const tableId = () => resourcesOfType(dev.json, 'AWS::DynamoDB::Table')[0]![0];
  const tableArn = () => ({ 'Fn::GetAtt': [tableId(), 'Arn'] });
  const indexArn = (name: string) => ({ 'Fn::Join': ['', [tableArn(), `/index/${name}`]] });
  const dynamoStatements = (roleId: string) =>
    statementsOfRole(dev.json, roleId).filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')));

  it.each(routeList.filter((r) => r.table !== 'none'))('$name ($table): exactly its table access, on the table and its own indexes', (route) => {
    const { roleId } = wiringOfRoute(dev.json, `${route.method} ${route.path}`);
    const statements = dynamoStatements(roleId);
    const actions = actionsOf(statements);

    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query']));
    // Writes in every tenant partition: none for a read route, the item writes for a read-write route.
    const writes = actionsOf(statements.filter((s) => isDeepStrictEqual(s.Condition, TENANT_CONDITION))).filter((a) => WRITE_ACTIONS.includes(a));
    if (route.table === 'read') expect(writes).toEqual([]);
    else expect(writes.sort()).toEqual(WRITE_ACTIONS.slice(0, 4).sort());
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);

    const resources = statements.flatMap((s) => asArray(s.Resource as Json));
    const expected = [tableArn(), ...(route.indexes ?? []).map(indexArn)];
    expect(resources).toEqual(expect.arrayContaining(expected));
    expect(resources.filter((r) => !expected.some((e) => JSON.stringify(e) === JSON.stringify(r)))).toEqual([]);
  });

  /*
   * A read route may hold write actions only in a statement limited to audit partitions, and only if
   * it records audit entries; one without `audit` has no write action at all.
   */
  it.each(routeList.filter((r) => r.table === 'read'))('read-only route $name cannot write outside audit partitions', (route) => {
    const statements = dynamoStatements(wiringOfRoute(dev.json, routeKeyOf(route)).roleId);
    const writing = statements.filter((s) => actionsOf([s]).some((a) => WRITE_ACTIONS.includes(a)));
    if (!route.audit) {
      expect(writing).toEqual([]);
      return;
    }
    expect(writing).toHaveLength(1);
    expect(writing[0]!.Condition).toEqual(AUDIT_CONDITION);
  });

  it.each(auditRoutes)('$name (audit, $table): PutItem and BatchWriteItem on the table, in audit partitions only', (route) => {
    const statements = dynamoStatements(wiringOfRoute(dev.json, routeKeyOf(route)).roleId);
    const auditOnly = statements.filter((s) => isDeepStrictEqual(s.Condition, AUDIT_CONDITION));
    expect(auditOnly).toHaveLength(1);
    const [audit] = auditOnly;
    expect(audit!.Effect).toBe('Allow');
    expect(audit!.Condition).toEqual(AUDIT_CONDITION);
    expect(asArray(audit!.Action).sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:PutItem']);
    expect(asArray(audit!.Resource as Json)).toEqual([tableArn()]);
    // BatchWriteItem is granted nowhere else (a read-write route's own writes do not include it).
    const batchElsewhere = statements.filter((s) => s !== audit && actionsOf([s]).includes('dynamodb:BatchWriteItem'));
    expect(batchElsewhere).toEqual([]);
  });

  it('takes the audit partition pattern from shared/db/keys.ts, and some read routes record audit entries', () => {
    expect(keys.auditPartitionPattern).toBe('ORG#*#AUDIT#*');
    expect(auditRoutes.some((r) => r.table === 'read')).toBe(true);
    expect(auditRoutes.some((r) => r.table === 'read-write')).toBe(true);
    // Routes without `audit` have no audit-partition grant.
    for (const route of routeList.filter((r) => !r.audit && r.table !== 'none')) {
      const statements = dynamoStatements(wiringOfRoute(dev.json, routeKeyOf(route)).roleId);
      expect(statements.filter((s) => isDeepStrictEqual(s.Condition, AUDIT_CONDITION)), route.name).toEqual([]);
    }
  });

  it.each(tablelessRoutes)('$name (none): no DynamoDB action in any of its policies, only its own logs', (route) => {
    const { roleId } = wiringOfRoute(dev.json, routeKeyOf(route));
    const actions = actionsOf(statementsOfRole(dev.json, roleId));
    expect(actions.filter((a) => a.toLowerCase().startsWith('dynamodb:'))).toEqual([]);
    expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('authorizer: GetItem on the table, in token partitions only, nothing more', () => {
    const { roleId } = authorizerWiring(dev.json);
    const statements = dynamoStatements(roleId);
    expect(actionsOf(statements)).toEqual(['dynamodb:GetItem']);
    expect(statements.flatMap((s) => asArray(s.Resource as Json))).toEqual([tableArn()]);
    expect(statements.map((s) => s.Condition)).toEqual([TOKEN_CONDITION]);
  });

  it('every function writes logs only to its own log group', () => {
    for (const [functionId, fn] of resourcesOfType(dev.json, 'AWS::Lambda::Function')) {
      const logGroupId = referencedId(fn.Properties.LoggingConfig.LogGroup);
      const logStatements = statementsOfRole(dev.json, referencedId(fn.Properties.Role)).filter((s) =>
        actionsOf([s]).some((a) => a.startsWith('logs:')),
      );
      expect(logStatements.flatMap((s) => asArray(s.Resource as Json)), functionId).toEqual([
        { 'Fn::GetAtt': [logGroupId, 'Arn'] },
      ]);
    }
  });

  it('no policy anywhere has a wildcard action or resource, and no role has a managed policy', () => {
    const policies = [
      ...resourcesOfType(dev.json, 'AWS::IAM::Role').flatMap(([, r]) => (r.Properties.Policies ?? []).map((p: Json) => p.PolicyDocument)),
      ...resourcesOfType(dev.json, 'AWS::IAM::Policy').map(([, p]) => p.Properties.PolicyDocument),
      ...resourcesOfType(dev.json, 'AWS::IAM::ManagedPolicy').map(([, p]) => p.Properties.PolicyDocument),
    ] as Json[];
    expect(policies.length).toBeGreaterThanOrEqual(routeList.length + 1);
    const statements: Statement[] = policies.flatMap((p) => p.Statement);
    expect(actionsOf(statements).filter((a) => a.includes('*'))).toEqual([]);
    // Every string of every resource, the pieces of an Fn::Join (the index ARNs) included. (A log
    // group's `Arn` attribute, `…:log-group:<name>:*`, is the documented ARN of the group for these
    // actions and covers its own streams only, which Lambda names at run time.)
    const strings = (value: unknown): string[] =>
      typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(strings) : [];
    expect(statements.flatMap((s) => strings(s.Resource)).filter((r) => r.includes('*'))).toEqual([]);
    // Nor an allow-by-exclusion.
    expect(statements.filter((s) => ['NotAction', 'NotResource', 'NotPrincipal'].some((k) => k in s))).toEqual([]);
    for (const [roleId, role] of resourcesOfType(dev.json, 'AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns, roleId).toBeUndefined();
    }
  });

  it('grants through one customer managed policy per role: no inline policy, no policy shared by two roles', () => {
    const roles = resourcesOfType(dev.json, 'AWS::IAM::Role');
    expect(roles).toHaveLength(routeList.length + 1);
    for (const [roleId, role] of roles) expect(role.Properties.Policies, roleId).toBeUndefined();
    expect(resourcesOfType(dev.json, 'AWS::IAM::Policy')).toEqual([]);
    const managed = resourcesOfType(dev.json, 'AWS::IAM::ManagedPolicy');
    expect(managed).toHaveLength(roles.length);
    const attachedTo = managed.map(([, p]) => {
      expect(p.Properties.Roles).toHaveLength(1);
      return referencedId(p.Properties.Roles[0]);
    });
    expect(attachedTo.sort()).toEqual(roles.map(([id]) => id).sort());
  });
});

/*
 * Item-level least privilege: every DynamoDB grant of every function is limited by partition key
 * (`dynamodb:LeadingKeys`), so a data function cannot read or write a token item (and so mint a token
 * for any organisation), and the token lookup reads nothing but token items. Generated from the
 * route table and from shared/db/keys.ts: a new route or a new key is covered without a test change.
 * Checked on both synthesized templates (no extra synthesis).
 */
describe('item-level least privilege (dynamodb:LeadingKeys)', () => {
  const examples = examplePartitionKeys();
  const tokenKey = keys.token('0'.repeat(64)).pk;
  const stages = [
    ['dev', () => dev.json],
    ['prod', () => prod.json],
  ] as const;
  const dynamoStatementsIn = (json: Json, roleId: string) =>
    statementsOfRole(json, roleId).filter((s) => actionsOf([s]).some((a) => a.toLowerCase().startsWith('dynamodb:')));
  /** Every function of the stack: the route table's and the token lookup (the authorizer). */
  const functionsOf = (json: Json) => [
    ...routeList.map((route) => ({ name: route.name, route, roleId: wiringOfRoute(json, routeKeyOf(route)).roleId })),
    { name: 'authorizer', route: undefined, roleId: authorizerWiring(json).roleId },
  ];
  /** The actions these grants allow on items of the partition `pk`. */
  const allowedOn = (statements: Statement[], pk: string) =>
    [...new Set(actionsOf(statements.filter((s) => s.Effect === 'Allow' && statementAllowsPartition(s, pk))))].sort();
  /** The actions a role's grants allow on items of the partition `pk`. */
  const actionsOnPartition = (json: Json, roleId: string, pk: string) => allowedOn(dynamoStatementsIn(json, roleId), pk);

  it('every partition key of shared/db/keys.ts is a tenant key (ORG#*), except the token item (TOKEN#*)', () => {
    expect(examples.map((e) => e.builder)).toEqual(expect.arrayContaining(['token', 'org', 'audit', 'appointmentsByStart.partition']));
    // The index partitions too: the index queries run under the same condition.
    for (const index of Object.keys(INDEXES)) expect(examples.map((e) => e.builder), index).toContain(`${index}.partition`);
    for (const { builder, pk } of examples) {
      const isToken = builder === 'token';
      expect(stringLike(TENANT_PATTERN, pk), `${builder}: ${pk}`).toBe(!isToken);
      expect(stringLike(TOKEN_PATTERN, pk), `${builder}: ${pk}`).toBe(isToken);
    }
    expect(stringLike(TOKEN_PATTERN, tokenKey)).toBe(true);
    // The audit grant stays as narrow as it was: audit partitions and nothing else.
    expect(examples.filter((e) => stringLike(keys.auditPartitionPattern, e.pk)).map((e) => e.builder).sort()).toEqual(['audit', 'auditOf']);
  });

  it('the stack uses exactly these patterns', () => {
    expect([TENANT_PARTITION_PATTERN, TOKEN_PARTITION_PATTERN]).toEqual([TENANT_PATTERN, TOKEN_PATTERN]);
  });

  describe.each(stages)('%s', (_stage, template) => {
    it.each(routeList.map((route) => ({ name: route.name, route })))(
      '$name: every DynamoDB statement is limited to its partitions (tenant data; audit partitions for the audit grant)',
      ({ route }) => {
        const json = template();
        const statements = dynamoStatementsIn(json, wiringOfRoute(json, routeKeyOf(route)).roleId);
        const table = { 'Fn::GetAtt': [resourcesOfType(json, 'AWS::DynamoDB::Table')[0]![0], 'Arn'] };
        const index = (name: string) => ({ 'Fn::Join': ['', [table, `/index/${name}`]] });
        const reads = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
        const writes = ['dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
        // Grants as (condition, resource) -> actions: CDK merges statements that share a condition and
        // resources (the read and write grants of a read-write route on the table), so compare those.
        const grants = (list: Array<{ condition: unknown; resource: unknown; actions: string[] }>) => {
          const merged = new Map<string, Set<string>>();
          for (const { condition, resource, actions } of list) {
            const key = JSON.stringify({ condition, resource });
            merged.set(key, new Set([...(merged.get(key) ?? []), ...actions]));
          }
          return Object.fromEntries([...merged].map(([key, actions]) => [key, [...actions].sort()]));
        };
        const expected = grants([
          ...(route.table === 'none'
            ? []
            : [table, ...(route.indexes ?? []).map(index)].map((resource) => ({ condition: TENANT_CONDITION, resource, actions: reads }))),
          ...(route.table === 'read-write' ? [{ condition: TENANT_CONDITION, resource: table, actions: writes }] : []),
          ...(route.audit ? [{ condition: AUDIT_CONDITION, resource: table, actions: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem'] }] : []),
        ]);
        const actual = grants(
          statements.flatMap((s) => asArray(s.Resource as Json).map((resource) => ({ condition: s.Condition, resource, actions: asArray(s.Action) }))),
        );
        expect(actual).toEqual(expected);
        for (const statement of statements) {
          expect(statement.Effect).toBe('Allow');
          // Only actions whose requests name their partition keys (ForAllValues is vacuously true for
          // a request without any, such as a Scan).
          expect(asArray(statement.Action).filter((a) => !KEYED_ACTIONS.includes(a))).toEqual([]);
        }
      },
    );

    it('the token lookup: GetItem on token partitions, and nothing of tenant data', () => {
      const json = template();
      const { roleId } = authorizerWiring(json);
      const statements = dynamoStatementsIn(json, roleId);
      expect(statements.map((s) => ({ effect: s.Effect, actions: asArray(s.Action), condition: s.Condition }))).toEqual([
        { effect: 'Allow', actions: ['dynamodb:GetItem'], condition: TOKEN_CONDITION },
      ]);
      expect(actionsOnPartition(json, roleId, tokenKey)).toEqual(['dynamodb:GetItem']);
      for (const { builder, pk } of examples.filter((e) => e.builder !== 'token')) {
        expect(actionsOnPartition(json, roleId, pk), builder).toEqual([]);
      }
    });

    it.each(routeList.map((route) => ({ name: route.name, route })))('$name: no access to a token item', ({ route }) => {
      const json = template();
      expect(actionsOnPartition(json, wiringOfRoute(json, routeKeyOf(route)).roleId, tokenKey)).toEqual([]);
    });

    it('no role of the stack but the token lookup’s can touch a TOKEN# item, and none can write one', () => {
      const json = template();
      const { roleId: authorizerRoleId } = authorizerWiring(json);
      const roles = resourcesOfType(json, 'AWS::IAM::Role').map(([id]) => id);
      expect(roles.sort()).toEqual(functionsOf(json).map((f) => f.roleId).sort());
      const touching = roles.filter((roleId) => actionsOnPartition(json, roleId, tokenKey).length > 0);
      expect(touching).toEqual([authorizerRoleId]);
      const writing = roles.flatMap((roleId) =>
        actionsOnPartition(json, roleId, tokenKey)
          .filter((a) => WRITE_ACTIONS.includes(a))
          .map((a) => `${roleId} ${a}`),
      );
      expect(writing).toEqual([]);
    });

    it('every data function can still reach every tenant partition it needs (reads everywhere, writes if read-write)', () => {
      const json = template();
      for (const { name, route, roleId } of functionsOf(json).filter((f) => f.route && f.route.table !== 'none')) {
        const statements = dynamoStatementsIn(json, roleId);
        for (const { builder, pk } of examples.filter((e) => e.builder !== 'token')) {
          const actions = allowedOn(statements, pk);
          expect(actions, `${name} ${builder}`).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
          if (route!.table === 'read-write') expect(actions, `${name} ${builder}`).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem']));
        }
      }
    });
  });
});

describe('table', () => {
  it('is the one table, keyed and indexed as shared/db/table-definition.ts says', () => {
    dev.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const table = resourcesOfType(dev.json, 'AWS::DynamoDB::Table')[0]![1].Properties;
    expect(table).toMatchObject({
      KeySchema: [
        { AttributeName: KEY.partition, KeyType: 'HASH' },
        { AttributeName: KEY.sort, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
    expect(table.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: KEY.partition, AttributeType: AttributeType.STRING },
        { AttributeName: KEY.sort, AttributeType: AttributeType.STRING },
      ]),
    );

    const indexes = Object.values(INDEXES);
    expect(table.GlobalSecondaryIndexes.map((i: Json) => i.IndexName).sort()).toEqual(indexes.map((i) => i.name).sort());
    for (const index of indexes) {
      const gsi = table.GlobalSecondaryIndexes.find((i: Json) => i.IndexName === index.name);
      expect(gsi.KeySchema).toEqual([
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ]);
      expect(gsi.Projection.ProjectionType).toBe(index.projection.type);
      if (index.projection.type === 'INCLUDE') {
        expect([...gsi.Projection.NonKeyAttributes].sort()).toEqual([...index.projection.attributes].sort());
      }
    }
  });

  it('is encrypted at rest with the AWS managed key (no customer managed key, so no kms permission for functions)', () => {
    const table = resourcesOfType(dev.json, 'AWS::DynamoDB::Table')[0]![1].Properties;
    // SSEEnabled without a key id: KMS with the AWS managed key aws/dynamodb (false would be the AWS owned key).
    expect(table.SSESpecification).toEqual({ SSEEnabled: true });
    const statements = resourcesOfType(dev.json, 'AWS::IAM::ManagedPolicy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(actionsOf(statements).filter((a) => a.startsWith('kms:'))).toEqual([]);
  });

  it('prod: retained on stack deletion and protected against deletion', () => {
    prod.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('dev: removed with the stack', () => {
    dev.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('names the stacks DentalBooking-<stage>', () => {
    expect(dev.stack.stackName).toBe(stackName('dev'));
    expect(prod.stack.stackName).toBe('DentalBooking-prod');
  });
});

describe('functions', () => {
  it('run Node.js 24 on arm64 with 512 MB, 10 s, source maps and (with table access) the table name', () => {
    const tableId = resourcesOfType(dev.json, 'AWS::DynamoDB::Table')[0]![0];
    const tableless = new Set(tablelessRoutes.map((r) => wiringOfRoute(dev.json, routeKeyOf(r)).functionId));
    expect(tableless.size).toBe(tablelessRoutes.length);
    const auditing = new Set(auditRoutes.map((r) => wiringOfRoute(dev.json, routeKeyOf(r)).functionId));
    expect(auditing.size).toBeGreaterThan(0);
    for (const [id, fn] of resourcesOfType(dev.json, 'AWS::Lambda::Function')) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: 10,
        Handler: 'index.handler',
      });
      expect(fn.Properties.Environment.Variables, id).toEqual({
        ...(tableless.has(id) ? {} : { TABLE_NAME: { Ref: tableId } }),
        ...(auditing.has(id) ? { AUDIT_RETENTION_DAYS: '2190' } : {}),
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('take the audit retention from context (auditRetentionDays), only where they record audit entries', () => {
    const { app, stack } = buildApp('dev', { bundle: false, context: { auditRetentionDays: '365' } });
    app.synth();
    const json = Template.fromStack(stack).toJSON();
    for (const route of routeList) {
      const { functionId } = wiringOfRoute(json, routeKeyOf(route));
      expect(json.Resources[functionId].Properties.Environment.Variables.AUDIT_RETENTION_DAYS, route.name).toBe(
        route.audit ? '365' : undefined,
      );
    }
  });

  it.each([0, -1, '1.5', 'abc', '', '10 days'])('rejects auditRetentionDays=%j', (value) => {
    expect(() => buildApp('dev', { bundle: false, context: { auditRetentionDays: value } })).toThrow(
      /auditRetentionDays must be a positive integer/,
    );
  });

  it('each log to their own log group with a retention', () => {
    const logGroupIds = resourcesOfType(dev.json, 'AWS::Lambda::Function').map(([, fn]) =>
      referencedId(fn.Properties.LoggingConfig.LogGroup),
    );
    expect(new Set(logGroupIds).size).toBe(routeList.length + 1);
    for (const id of logGroupIds) expect(dev.json.Resources[id].Properties.RetentionInDays).toBe(30);
  });
});

describe('log encryption', () => {
  const keyOf = (json: Json) => {
    const keys = resourcesOfType(json, 'AWS::KMS::Key');
    expect(keys).toHaveLength(1);
    return keys[0]!;
  };

  it('encrypts every log group (functions and access logs) with the one rotated customer managed key', () => {
    const [keyId, key] = keyOf(dev.json);
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const logGroups = resourcesOfType(dev.json, 'AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(routeList.length + 2);
    for (const [id, group] of logGroups) expect(group.Properties.KmsKeyId, id).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  it('lets CloudWatch Logs of this region use the key, for log groups of this account and region only', () => {
    const statements = keyOf(dev.json)[1].Properties.KeyPolicy.Statement as Json[];
    const logs = statements.filter((s) => s.Principal?.Service);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
      Condition: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:*']],
          },
        },
      },
    });
    expect(asArray(logs[0]!.Action).sort()).toEqual(['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']);
    // Apart from that, only the account itself (key administration through IAM); nobody else.
    const others = statements.filter((s) => s !== logs[0]);
    expect(others.map((s) => JSON.stringify(s.Principal))).toEqual([
      JSON.stringify({ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } }),
    ]);
  });

  it('prod: the key is kept with the retained logs; dev: removed with the stack', () => {
    expect(keyOf(prod.json)[1]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(keyOf(dev.json)[1]).toMatchObject({ DeletionPolicy: 'Delete' });
  });
});

describe('API stage', () => {
  const stageOf = (json: Json) => {
    const stages = resourcesOfType(json, 'AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    return stages[0]![1].Properties as Json;
  };

  it('is the auto-deployed $default stage with default throttling', () => {
    expect(stageOf(dev.json)).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('writes JSON access logs that say what happened but not about whom', () => {
    const settings = stageOf(dev.json).AccessLogSettings;
    const logGroupId = referencedId(settings.DestinationArn);
    expect(dev.json.Resources[logGroupId].Type).toBe('AWS::Logs::LogGroup');
    expect(dev.json.Resources[logGroupId].Properties.RetentionInDays).toBe(30);

    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLatency: '$context.responseLatency',
      integrationError: '$context.integrationErrorMessage',
    });
    // Paths and query strings carry patient names and ids.
    for (const value of Object.values(format)) {
      expect(value).not.toMatch(/\$context\.(path|resourcePath)|querystring|\$request\./i);
    }
  });

  it('prod: throttled too (the stage limits are what bound request volume)', () => {
    expect(stageOf(prod.json).DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
  });

  it('rejects throttling that is not a positive integer', () => {
    expect(() => buildApp('dev', { bundle: false, context: { throttleRateLimit: '0' } })).toThrow(/throttleRateLimit must be a positive integer/);
  });

  it('takes throttling from context', () => {
    const { app, stack } = buildApp('dev', { bundle: false, context: { throttleRateLimit: '7', throttleBurstLimit: 9 } });
    app.synth();
    expect(stageOf(Template.fromStack(stack).toJSON()).DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 7,
      ThrottlingBurstLimit: 9,
    });
  });

  it('outputs the API URL and the table name', () => {
    dev.template.hasOutput('ApiUrl', {});
    dev.template.hasOutput('TableName', { Value: { Ref: resourcesOfType(dev.json, 'AWS::DynamoDB::Table')[0]![0] } });
  });
});

describe('CORS', () => {
  const apiOf = (context: Json) => {
    const { app, stack } = buildApp('dev', { bundle: false, context });
    app.synth();
    const apis = resourcesOfType(Template.fromStack(stack).toJSON(), 'AWS::ApiGatewayV2::Api');
    expect(apis).toHaveLength(1);
    return apis[0]![1].Properties as Json;
  };
  const routeMethods = [...new Set(routeList.map((r) => r.method))].sort();

  it('is off by default: no CORS configuration at all (dev and prod)', () => {
    for (const json of [dev.json, prod.json]) {
      const apis = resourcesOfType(json, 'AWS::ApiGatewayV2::Api');
      expect(apis).toHaveLength(1);
      expect(apis[0]![1].Properties.CorsConfiguration).toBeUndefined();
    }
  });

  it('allows exactly the configured origins (comma-separated from the CLI), the route methods and the API headers', () => {
    const cors = apiOf({ corsOrigins: 'https://app.example.com, https://admin.example.com:8443' }).CorsConfiguration;
    expect(cors.AllowOrigins).toEqual(['https://app.example.com', 'https://admin.example.com:8443']);
    expect([...cors.AllowMethods].sort()).toEqual(routeMethods);
    expect(cors.AllowHeaders).toEqual(['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match']);
    expect(cors.AllowHeaders).toEqual([...CORS_ALLOW_HEADERS]);
    expect(cors.ExposeHeaders).toEqual(['ETag', 'Location', 'Retry-After']);
    expect(cors.ExposeHeaders).toEqual([...CORS_EXPOSE_HEADERS]);
    // Bearer tokens, not cookies: browsers need no credentials mode.
    expect(cors.AllowCredentials).toBeUndefined();
  });

  it('takes an array too (cdk.json)', () => {
    expect(apiOf({ corsOrigins: ['https://app.example.com', 'http://localhost:5173'] }).CorsConfiguration.AllowOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
  });

  it.each([
    ['*', /not "\*".*wildcard/],
    ['https://app.example.com,*', /wildcard/],
    [['*'], /wildcard/],
    ['https://*.example.com', /wildcard/],
    ['https://app.example.com/', /not an exact https origin/],
    ['https://app.example.com/path', /not an exact https origin/],
    ['http://app.example.com', /not an exact https origin/],
    ['app.example.com', /is not an origin/],
    ['', /corsOrigins is empty/],
    [[1], /array of strings/],
  ])('rejects corsOrigins=%j', (value, error) => {
    expect(() => buildApp('dev', { bundle: false, context: { corsOrigins: value } })).toThrow(error);
  });
});

describe('cdk-nag (AWS Solutions and HIPAA Security)', () => {
  /**
   * How cdk-nag 3 reports: it is a validation plugin; at synth time aws-cdk-lib throws
   * `ValidationFailed` with the report (under test) or prints it and exits 1 (under the CLI) when
   * any finding — error or warning — is not acknowledged. The stacks above synthesized, so neither
   * stage has one; these tests say so explicitly and check that the harness would notice one.
   */
  it.each(['dev', 'prod'])('%s: no unacknowledged finding', (stage) => {
    const { app, assemblyDir } = stage === 'dev' ? dev : prod;
    for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks()]) {
      const report = pack.validateScope(app);
      expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    }
    const written = JSON.parse(readFileSync(join(assemblyDir, 'validation-report.json'), 'utf8')) as Json;
    expect(written.pluginReports.flatMap((p: Json) => p.violations ?? [])).toEqual([]);
  });

  /** Every acknowledgement in an app: where, which rule, why. */
  const acknowledgementsOf = (app: App) =>
    app.node.findAll().flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.entries(m.data as Record<string, string>).map(([rule, reason]) => ({
            construct: c,
            rule: rule.replace(/^annotation::/i, ''),
            reason,
          })),
        ),
    );

  /** The function construct of each route, and the authorizer's. */
  const functionConstructs = (stack: BookingStack) => [...stack.functions.values()];

  it.each(['dev', 'prod'])(
    '%s: acknowledges exactly the listed findings, each on the narrowest construct, with its reason',
    (stage) => {
      const { app, stack } = stage === 'dev' ? dev : prod;
      const acknowledged = acknowledgementsOf(app);
      const byRule = (rule: string) => acknowledged.filter((a) => a.rule === rule);
      const hipaaFunctionRules = Object.keys(FUNCTION_ACKNOWLEDGEMENTS).sort();
      expect(hipaaFunctionRules).toEqual([
        'HIPAA.Security-LambdaConcurrency',
        'HIPAA.Security-LambdaDLQ',
        'HIPAA.Security-LambdaInsideVPC',
      ]);
      // Every acknowledgement is one of these, and nothing else.
      expect([...new Set(acknowledged.map((a) => a.rule))].sort()).toEqual(
        ['AwsSolutions-APIG4', 'HIPAA.Security-DynamoDBInBackupPlan', ...hipaaFunctionRules].sort(),
      );

      // AwsSolutions-APIG4: on the public routes themselves (their CfnRoute is the only resource below).
      const routeKeys = byRule('AwsSolutions-APIG4').map(({ construct }) => {
        expect(construct).toBeInstanceOf(HttpRoute);
        const resources = construct.node.findAll().filter((c) => c instanceof CfnRoute);
        expect(resources).toHaveLength(1);
        return (resources[0] as CfnRoute).routeKey;
      });
      expect(routeKeys.sort()).toEqual(publicRoutes.map(routeKeyOf).sort());
      for (const { reason } of byRule('AwsSolutions-APIG4')) {
        expect(reason).toMatch(/public/i);
        expect(reason).toMatch(/no table access/i);
      }

      // HIPAA Lambda rules: on each function (routes' and authorizer's), not on the stack.
      const functions = functionConstructs(stack);
      expect(functions).toHaveLength(routeList.length + 1);
      for (const rule of hipaaFunctionRules) {
        const acks = byRule(rule);
        expect(acks.map((a) => a.construct).sort((a, b) => a.node.path.localeCompare(b.node.path))).toEqual(
          [...functions].sort((a, b) => a.node.path.localeCompare(b.node.path)),
        );
        for (const { reason } of acks) expect(reason).toBe(FUNCTION_ACKNOWLEDGEMENTS[rule as keyof typeof FUNCTION_ACKNOWLEDGEMENTS]);
      }
      expect(FUNCTION_ACKNOWLEDGEMENTS['HIPAA.Security-LambdaConcurrency']).toMatch(/throttl/i);
      expect(FUNCTION_ACKNOWLEDGEMENTS['HIPAA.Security-LambdaDLQ']).toMatch(/synchronous/i);
      expect(FUNCTION_ACKNOWLEDGEMENTS['HIPAA.Security-LambdaInsideVPC']).toMatch(/DynamoDB.*TLS.*IAM/);

      // HIPAA backup plan: on the table only, because point-in-time recovery is on (tested above).
      expect(byRule('HIPAA.Security-DynamoDBInBackupPlan').map((a) => a.construct)).toEqual([stack.table]);
      expect(byRule('HIPAA.Security-DynamoDBInBackupPlan')[0]!.reason).toBe(TABLE_BACKUP_REASON);
      expect(TABLE_BACKUP_REASON).toMatch(/point-in-time recovery/);
      expect(stack.table.node.findAll().filter((c) => c instanceof CfnTable)).toHaveLength(1);
    },
  );

  it('fails synthesis on a route without authorization that is not acknowledged (the acknowledgement is per route)', () => {
    const { app, stack } = buildApp('dev', { bundle: false });
    new HttpRoute(stack, 'ScratchRoute', {
      httpApi: stack.api,
      routeKey: HttpRouteKey.with('/scratch', HttpMethod.GET),
      integration: new HttpLambdaIntegration('ScratchIntegration', stack.functions.get('getDocsPage')!),
    });
    expect(() => app.synth()).toThrow(/AwsSolutions-APIG4/);
  });

  it('fails synthesis on an unacknowledged error finding in the stack', () => {
    const { app, stack } = buildApp('dev', { bundle: false });
    const role = new Role(stack, 'ScratchRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM4/);
  });

  it('fails synthesis on an unacknowledged warning finding too', () => {
    const { app, stack } = buildApp('dev', { bundle: false });
    new Table(stack, 'ScratchTable', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    expect(() => app.synth()).toThrow(/AwsSolutions-DDB3/);
  });

  it('passes once the finding is acknowledged on the resource, with a reason', () => {
    /** The dev app plus a role allowed to Query every table: an IAM5 finding (managed policy: no HIPAA inline-policy finding). */
    const withWildcardRole = (acknowledged: boolean) => {
      const { app, stack } = buildApp('dev', { bundle: false });
      const role = new Role(stack, 'ScratchRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
      const policy = new ManagedPolicy(stack, 'ScratchPolicy', {
        roles: [role],
        statements: [new PolicyStatement({ actions: ['dynamodb:Query'], resources: ['*'] })],
      });
      if (acknowledged) {
        Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Scratch policy of this test.' });
      }
      return app;
    };
    expect(() => withWildcardRole(false).synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
    expect(() => withWildcardRole(true).synth()).not.toThrow();
  });

  /*
   * The HIPAA Security pack fails synthesis on its own findings just like AWS Solutions, and its
   * acknowledgements are per construct: the ones on the stack's functions and table cover nothing else.
   */
  it('HIPAA: fails synthesis on an unencrypted log group (a finding only the HIPAA pack reports)', () => {
    const { app, stack } = buildApp('dev', { bundle: false });
    new LogGroup(stack, 'ScratchLogs', { retention: RetentionDays.ONE_WEEK });
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
    expect(() => app.synth()).toThrow(/HIPAA\.Security-CloudWatchLogGroupEncrypted/);
  });

  it('HIPAA: fails synthesis on a function without the per-function acknowledgements', () => {
    const { app, stack } = buildApp('dev', { bundle: false });
    new LambdaFunction(stack, 'ScratchFunction', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => ({});'),
    });
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    const message = String(error);
    for (const rule of Object.keys(FUNCTION_ACKNOWLEDGEMENTS)) expect(message).toContain(rule);
    expect(message).toContain('ScratchFunction');
  });

  it('HIPAA: fails synthesis on a table without point-in-time recovery or backup plan', () => {
    const { app, stack } = buildApp('dev', { bundle: false });
    new Table(stack, 'ScratchTable', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    // The stack's own table's backup-plan acknowledgement does not cover another table.
    const report = new HIPAASecurityChecks().validateScope(app);
    expect(report.violations.map((v) => v.ruleName).sort()).toEqual(
      expect.arrayContaining(['HIPAA.Security-DynamoDBInBackupPlan', 'HIPAA.Security-DynamoDBPITREnabled']),
    );
    expect(() => app.synth()).toThrow(/HIPAA\.Security-DynamoDBPITREnabled/);
  });

  it('HIPAA: fails synthesis on an inline policy', () => {
    const { app, stack } = buildApp('dev', { bundle: false });
    const role = new Role(stack, 'ScratchRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [stack.table.tableArn] }));
    expect(() => app.synth()).toThrow(/HIPAA\.Security-IAMNoInlinePolicy/);
  });
});
