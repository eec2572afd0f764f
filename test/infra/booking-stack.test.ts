/**
 * The synthesized CloudFormation of the stack, checked against the route table and the table
 * definition it is built from, plus cdk-nag. The dev and prod stacks are synthesized once each, with
 * stub function code (test/infra/synth.ts), and the tests read those two. Besides them: one app
 * that really bundles a few functions (its template must equal the stub one but for their code; the
 * bundles load and serve), two apps for cdk-nag's failures, and apps with other context settings,
 * which the tests read without synthesizing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Validations, type App, type Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { CfnRoute, HttpMethod, HttpRoute, HttpRouteKey, type CfnApi, type CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, CfnTable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { stackName } from '../../infra/booking-app.ts';
import {
  CORS_ALLOW_HEADERS,
  CORS_EXPOSE_HEADERS,
  FUNCTION_ACKNOWLEDGEMENTS,
  PUBLIC_ROUTE_REASON,
  TABLE_BACKUP_REASON,
  TABLE_LOGICAL_ID,
  TENANT_PARTITION_PATTERN,
  TOKEN_PARTITION_PATTERN,
  TOKEN_ROUTE_REASON,
  type BookingStack,
} from '../../infra/booking-stack.ts';
import { BUNDLING, functionEntry, stubCode } from '../../infra/constructs/route-function.ts';
import { keys } from '#shared/db/keys.ts';
import { INDEXES, KEY, TTL_ATTRIBUTE } from '#shared/db/table-definition.ts';
import { routeList, routes, type RouteName } from '#shared/routes.ts';
import { DOCS_ASSETS } from '#shared/schemas/docs.ts';
import { DESK_CSP, type DeskManifest } from '#shared/schemas/desk.ts';
import {
  actionsOf,
  asArray,
  auditRoutes,
  buildApp,
  publicRoutes,
  referencedId,
  resourcesOfType,
  routeKeyOf,
  statementsOfRole,
  synthesize,
  tablelessRoutes,
  tenantRoutes,
  wiringOfRoute,
  type Json,
  type Statement,
  type Synthesized,
} from './synth.ts';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** The condition every DynamoDB statement of a function carries: the partitions it may touch. */
const leadingKeysCondition = (patterns: string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns } });
/** Written out here rather than imported, so a change in the stack has to change the test too. */
const TENANT_PATTERN = 'ORG#*';
const TOKEN_PATTERN = 'TOKEN#*';
/** Reads and writes of a data function: tenant partitions, on the table and its indexes. */
const TENANT_CONDITION = leadingKeysCondition([TENANT_PATTERN]);
/** The one condition under which a read-only route may write: audit partitions only. */
const AUDIT_CONDITION = leadingKeysCondition([keys.auditPartitionPattern]);
/** The only grant on token items: the token lookup of a route that takes a token. */
const TOKEN_CONDITION = leadingKeysCondition([TOKEN_PATTERN]);
/** The route's first batch read, which may carry the token's key (shared/db/request-gate.ts). */
const CARRIER_CONDITION = leadingKeysCondition([TENANT_PATTERN, TOKEN_PATTERN]);

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

/**
 * The functions bundled here: a tenant route that reads the table and records audit entries, the
 * public docs-asset route, whose bundle also ships files from node_modules, and the front desk's two
 * routes, whose bundles carry the page's build (made at synth).
 */
const BUNDLED = ['getPatient', 'getDocsAsset', 'getDeskPage', 'getDeskAsset'] as const satisfies readonly RouteName[];

/** Where the files the docs-asset function serves come from. */
const swaggerUiFile = (name: string) => fileURLToPath(import.meta.resolve(`swagger-ui-dist/${name}`));

/**
 * Runs an ES module script in a separate node process (Node's own ESM loader, not vitest's), as
 * Lambda would: no source maps. A failure is rethrown with its stderr cut to size (an error in a
 * minified bundle would otherwise print the bundle's one huge line).
 */
/** runNode without blocking this process, for a test that serves the child's requests meanwhile. */
const runNodeAsync = (script: string, env: Record<string, string> = {}) =>
  new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', LOG_LEVEL: 'silent', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env } },
      (error, stdout, stderr) => (error ? reject(new Error(`node failed: ${stderr.split('\n').filter((l) => l.length <= 400).join('\n').trim() || error.message.slice(0, 400)}`)) : resolve(stdout)),
    );
  });

const runNode = (script: string, env: Record<string, string> = {}) => {
  try {
    return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        LOG_LEVEL: 'silent',
        // The bundled SDK warns that the Node.js running this test (not Lambda's 24) will age out.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...env,
      },
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    const lines = stderr.split('\n').filter((line) => line.length <= 400);
    // No `cause`: it would print the bundle's one huge minified line all over again.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(`node failed: ${lines.join('\n').trim() || (error as Error).message.slice(0, 400)}`);
  }
};

/** An API Gateway (payload 2.0) event for a route, as the deployed function gets it. */
const eventOf = (name: RouteName, rawPath: string, pathParameters: Record<string, string>, headers: Record<string, string> = {}) => ({
  version: '2.0',
  routeKey: routeKeyOf(routes[name]),
  rawPath,
  rawQueryString: '',
  headers,
  pathParameters,
  isBase64Encoded: false,
  requestContext: {
    accountId: '123456789012',
    apiId: 'bundle-test',
    domainName: 'bundle-test.example',
    domainPrefix: 'bundle-test',
    requestId: `bundle-test-${name}`,
    routeKey: routeKeyOf(routes[name]),
    stage: '$default',
    time: '01/Jan/2025:00:00:00 +0000',
    timeEpoch: 1_735_689_600_000,
    http: { method: routes[name].method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
  },
});

// ---------------------------------------------------------------------------------------------

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synthesize('dev');
  prod = synthesize('prod');
});

/**
 * Apps with settings from context, built once and shared by the tests that read them. Reading a
 * setting needs no synthesis: the tests resolve the resource's properties in the construct tree.
 */
const contextApp = memo(() =>
  buildApp('dev', {
    context: {
      throttleRateLimit: '7',
      throttleBurstLimit: 9,
      auditRetentionDays: '365',
      corsOrigins: 'https://app.example.com, https://admin.example.com:8443',
    },
  }),
);
const corsArrayApp = memo(() => buildApp('dev', { context: { corsOrigins: ['https://app.example.com', 'http://localhost:5173'] } }));

function memo<T>(make: () => T): () => T {
  let value: { made: T } | undefined;
  return () => (value ??= { made: make() }).made;
}

/** A resource's properties as CloudFormation will get them (tokens resolved), without synthesizing. */
const resolved = (stack: Stack, value: unknown) => stack.resolve(value) as Json;

/**
 * Webhook delivery (infra/constructs/webhooks.ts, checked in webhooks.test.ts): its three functions
 * (dispatch, retry, key) and four roles (theirs and EventBridge Scheduler's) are the only ones that
 * are not a route's. Their logical ids start with the construct's id.
 */
const WEBHOOK_FUNCTION_COUNT = 3;
const WEBHOOK_ROLE_COUNT = 4;
const isWebhooks = (logicalId: string) => logicalId.startsWith('Webhooks');

describe('one function and one route per route-table entry', () => {
  it('has one Lambda function per route, and besides them only the webhook functions', () => {
    dev.template.resourceCountIs('AWS::Lambda::Function', routeList.length + WEBHOOK_FUNCTION_COUNT);
    expect(resourcesOfType(dev.json, 'AWS::Lambda::Function').filter(([id]) => isWebhooks(id))).toHaveLength(WEBHOOK_FUNCTION_COUNT);
  });

  it('has exactly the routes of the route table', () => {
    const routes = resourcesOfType(dev.json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(routeList.map(routeKeyOf).sort());
  });

  it('has no API Gateway authorizer: every route invokes its own function directly (dev and prod)', () => {
    for (const json of [dev.json, prod.json]) {
      expect(resourcesOfType(json, 'AWS::ApiGatewayV2::Authorizer')).toEqual([]);
      const routes = resourcesOfType(json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
      expect(routes).toHaveLength(routeList.length);
      for (const route of routes) {
        expect(route.AuthorizationType, route.RouteKey).toBe('NONE');
        expect(route.AuthorizerId, route.RouteKey).toBeUndefined();
      }
    }
  });

  it('gives the function of every route that takes a token what it needs to verify it: the table name and a token-item read', () => {
    expect(tenantRoutes.length).toBeGreaterThan(0);
    for (const route of tenantRoutes) {
      const { functionId, roleId } = wiringOfRoute(dev.json, routeKeyOf(route));
      expect(dev.json.Resources[functionId].Properties.Environment.Variables.TABLE_NAME, route.name).toEqual({ Ref: TABLE_LOGICAL_ID });
      const onTokens = statementsOfRole(dev.json, roleId).filter((s) => isDeepStrictEqual(s.Condition, TOKEN_CONDITION));
      expect(onTokens.map((s) => asArray(s.Action)), route.name).toEqual([['dynamodb:GetItem']]);
    }
  });

  it('leaves exactly the public routes (the API description) without a token, and without table access', () => {
    expect(publicRoutes.length).toBeGreaterThan(0);
    // The public routes are the API description and nothing else.
    expect(publicRoutes.map((r) => r.tag)).toEqual(publicRoutes.map(() => 'API description'));
    expect(tablelessRoutes.map((r) => r.name)).toEqual(publicRoutes.map((r) => r.name));
  });

  it('gives every route its own function (no function serves two routes)', () => {
    const functionIds = routeList.map((r) => wiringOfRoute(dev.json, routeKeyOf(r)).functionId);
    expect(new Set(functionIds).size).toBe(routeList.length);
  });

  it('wires every route to the module the route table names (functions/<handler>.ts)', () => {
    // Stub code here names the module the real bundle is built from (bundles.test.ts checks a few).
    for (const route of routeList) {
      const { functionId } = wiringOfRoute(dev.json, routeKeyOf(route));
      expect(dev.json.Resources[functionId].Properties.Code, route.name).toEqual({ ZipFile: stubCode(route.handler) });
      expect(stubCode(route.handler)).toContain(`functions/${route.handler}.ts`);
      expect(existsSync(functionEntry(route.handler)), route.handler).toBe(true);
    }
  });

  it('integrates each route as a Lambda proxy with payload format 2.0', () => {
    const integrations = resourcesOfType(dev.json, 'AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(routeList.length);
    for (const [, integration] of integrations) {
      expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    }
  });
});

/*
 * The real bundles, for a few functions: esbuild runs for these only, every other function of this app
 * keeps its stub. Its template equals the all-stub dev template but for those functions' code, so
 * what the rest of this file checks on the stub template holds for the deployed one; and the bundles
 * themselves load and serve in plain Node.js, as Lambda runs them.
 */
describe('bundles', () => {
  let bundled: Synthesized;
  beforeAll(() => {
    bundled = synthesize('dev', { bundle: BUNDLED });
  });
  const functionIdOf = (name: RouteName) => wiringOfRoute(bundled.json, routeKeyOf(routes[name])).functionId;
  /** Directory of the bundled code of a function (from the asset metadata CDK writes). */
  const bundleDir = (name: RouteName) => join(bundled.assemblyDir, bundled.json.Resources[functionIdOf(name)].Metadata['aws:asset:path'] as string);
  const indexUrl = (name: RouteName) => pathToFileURL(join(bundleDir(name), 'index.mjs')).href;

  it('are what a stub stands in for: the template differs from the all-stub one only in the bundled functions’ code', () => {
    /** The template with the code (and its asset metadata) of the BUNDLED functions left out. */
    const withoutBundledCode = (json: Json) => {
      const copy = structuredClone(json);
      for (const name of BUNDLED) {
        const fn = copy.Resources[wiringOfRoute(copy, routeKeyOf(routes[name])).functionId] as Json;
        delete fn.Properties.Code;
        fn.Metadata = { 'aws:cdk:path': fn.Metadata['aws:cdk:path'] };
      }
      return copy;
    };
    expect(withoutBundledCode(bundled.json)).toEqual(withoutBundledCode(dev.json));
    for (const name of BUNDLED) {
      const fn = bundled.json.Resources[functionIdOf(name)] as Json;
      expect(fn.Properties.Code, name).toEqual({ S3Bucket: expect.anything(), S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) });
      expect(fn.Metadata, name).toMatchObject({ 'aws:asset:is-bundled': true, 'aws:asset:property': 'Code' });
    }
    // Every other function of the bundled app is the stub of its own module.
    for (const route of routeList.filter((r) => !(BUNDLED as readonly string[]).includes(r.name))) {
      expect(bundled.json.Resources[functionIdOf(route.name)].Properties.Code, route.name).toEqual({ ZipFile: stubCode(route.handler) });
    }
  });

  it('are minified ESM without a source map', () => {
    expect(BUNDLING).toMatchObject({ minify: true, sourceMap: false, format: 'esm', target: 'node24', externalModules: [] });
  });

  it.each(BUNDLED)('%s: a self-contained, minified ESM bundle, and no source map', (name) => {
    const code = readFileSync(join(bundleDir(name), 'index.mjs'), 'utf8');
    // ESM needs the banner's `require` for CommonJS code inside the bundle.
    expect(code.startsWith('import { createRequire as topLevelCreateRequire }')).toBe(true);
    // The AWS SDK is bundled (pinned by package-lock), not imported from the runtime.
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    if (routes[name].table !== 'none') expect(code).toContain('DynamoDB_20120810');
    // No map beside it and no reference to one.
    expect(readdirSync(bundleDir(name)).filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(code).not.toMatch(/sourceMappingURL/);
    // Minified: whitespace gone (a few long lines) and local names mangled (shared/http/handler.ts's
    // middleware factories keep no name of their own).
    // (A bundle without the SDK is small, and its few license comments keep their lines.)
    expect(code.split('\n').length).toBeLessThan(Math.max(200, code.length / 2000));
    expect(code).not.toMatch(/\bproblemErrors\b|\baccessLog\b/);
  });

  it('load in plain Node.js as ES modules exporting a handler function', () => {
    // Importing runs module-load code (config, SDK client) but sends nothing.
    const script = (name: RouteName) => `console.log(typeof (await import(${JSON.stringify(indexUrl(name))})).handler);`;
    for (const name of BUNDLED) {
      // Functions without table access get no TABLE_NAME: they must load without one.
      const env: Record<string, string> = routes[name].table === 'none' ? {} : { TABLE_NAME: 'bundle-load-test' };
      expect(runNode(script(name), env).trim(), name).toBe('function');
    }
  });

  it('ships the reference page files beside the docs-asset bundle, and only there', () => {
    const names = Object.keys(DOCS_ASSETS);
    expect(names.length).toBeGreaterThan(0);
    expect(readdirSync(bundleDir('getDocsAsset')).sort()).toEqual(['index.mjs', ...names].sort());
    for (const name of names) {
      expect(readFileSync(join(bundleDir('getDocsAsset'), name)).equals(readFileSync(swaggerUiFile(name))), name).toBe(true);
    }
    // Every other bundle is esbuild's output and nothing more: the docs-asset route is the only one
    // with files to ship (the only one whose bundling copies any).
    expect(routeList.filter((r) => r.bundleFiles?.length).map((r) => r.name)).toEqual(['getDocsAsset']);
    expect(readdirSync(bundleDir('getPatient'))).toEqual(['index.mjs']);
  });

  it('docs-asset bundle serves the files it ships (plain and gzip)', () => {
    const invoke = (asset: string, headers: Record<string, string>) => ({ asset, event: eventOf('getDocsAsset', `/docs/${asset}`, { asset }, headers) });
    const calls = [invoke('swagger-ui.css', {}), invoke('swagger-ui-bundle.js', { 'accept-encoding': 'gzip, deflate, br' })];
    // The bundle must not fall back to the package: outside the repository, nothing resolves it.
    const script = `
      import { createRequire } from 'node:module';
      const url = ${JSON.stringify(indexUrl('getDocsAsset'))};
      let resolvable = true;
      try { createRequire(url).resolve('swagger-ui-dist/package.json'); } catch { resolvable = false; }
      const { handler } = await import(url);
      const results = [];
      for (const { asset, event } of ${JSON.stringify(calls)}) {
        const context = { awsRequestId: event.requestContext.requestId, functionName: 'get-docs-asset', getRemainingTimeInMillis: () => 10_000 };
        const result = await handler(event, context);
        results.push({ asset, result });
      }
      console.log(JSON.stringify({ resolvable, results }));`;
    const { resolvable, results } = JSON.parse(runNode(script)) as {
      resolvable: boolean;
      results: Array<{ asset: keyof typeof DOCS_ASSETS; result: Json }>;
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

  it("ships the front desk's build beside both desk bundles, the same build in each", () => {
    for (const name of ['getDeskPage', 'getDeskAsset'] as const) {
      expect(readdirSync(bundleDir(name)).sort(), name).toEqual(['desk', 'index.mjs']);
    }
    const manifestOf = (name: RouteName) => JSON.parse(readFileSync(join(bundleDir(name), 'desk', 'manifest.json'), 'utf8')) as DeskManifest;
    const manifest = manifestOf('getDeskAsset');
    // The page names what the files' function serves.
    expect(manifestOf('getDeskPage')).toEqual(manifest);
    const files = Object.keys(manifest.files);
    expect(files).toHaveLength(4);
    expect(readdirSync(join(bundleDir('getDeskAsset'), 'desk')).sort()).toEqual(['manifest.json', ...files.flatMap((f) => [f, `${f}.br`, `${f}.gz`])].sort());
    expect(routeList.filter((r) => r.bundleBuild).map((r) => r.name).sort()).toEqual(['getDeskAsset', 'getDeskPage']);
  });

  it('desk bundles serve the page and its files from what they ship (plain, brotli, gzip; 404 otherwise)', () => {
    const manifest = JSON.parse(readFileSync(join(bundleDir('getDeskAsset'), 'desk', 'manifest.json'), 'utf8')) as DeskManifest;
    const { mainJs, calendarCss } = manifest.page;
    const calls = [
      { name: 'getDeskPage', event: eventOf('getDeskPage', '/desk', {}) },
      { name: 'getDeskAsset', event: eventOf('getDeskAsset', `/desk/${mainJs}`, { asset: mainJs }) },
      { name: 'getDeskAsset', event: eventOf('getDeskAsset', `/desk/${mainJs}`, { asset: mainJs }, { 'accept-encoding': 'gzip, deflate, br' }) },
      { name: 'getDeskAsset', event: eventOf('getDeskAsset', `/desk/${calendarCss}`, { asset: calendarCss }, { 'accept-encoding': 'gzip' }) },
      { name: 'getDeskAsset', event: eventOf('getDeskAsset', '/desk/main.0000000000000000.js', { asset: 'main.0000000000000000.js' }) },
    ];
    const script = `
      const urls = ${JSON.stringify({ getDeskPage: indexUrl('getDeskPage'), getDeskAsset: indexUrl('getDeskAsset') })};
      const results = [];
      for (const { name, event } of ${JSON.stringify(calls)}) {
        const { handler } = await import(urls[name]);
        const context = { awsRequestId: event.requestContext.requestId, functionName: name, getRemainingTimeInMillis: () => 10_000 };
        results.push(await handler(event, context));
      }
      console.log(JSON.stringify(results));`;
    const [page, plain, br, gzip, unknown] = JSON.parse(runNode(script)) as [Json, Json, Json, Json, Json];
    const file = (name: string) => readFileSync(join(bundleDir('getDeskAsset'), 'desk', name));
    expect(page).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': DESK_CSP, 'cache-control': 'no-cache' } });
    expect(page.body).toContain(`<script src="/desk/${mainJs}" defer></script>`);
    expect(plain).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'cache-control': 'public, max-age=31536000, immutable', 'content-security-policy': DESK_CSP } });
    expect(Buffer.from(plain.body, 'base64').equals(file(mainJs))).toBe(true);
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(Buffer.from(br.body, 'base64')).equals(file(mainJs))).toBe(true);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(Buffer.from(gzip.body, 'base64')).equals(file(calendarCss))).toBe(true);
    expect(unknown).toMatchObject({ statusCode: 404, headers: { 'content-type': 'application/problem+json' } });
  });

  /*
   * The route's own function checks the token (there is no authorizer): a request without one is a
   * problem+json 401 from the bundle itself. Malformed path parameters keep the route from reading
   * anything, so nothing is sent anywhere.
   */
  it('getPatient bundle is its route’s function and refuses a request without a token with a problem+json 401', () => {
    const event = eventOf('getPatient', '/api/v1/not-an-org/patients/not-a-patient', { org_id: 'not-an-org', patient_uuid: 'not-a-patient' });
    const script = `
      const { handler } = await import(${JSON.stringify(indexUrl('getPatient'))});
      const event = ${JSON.stringify(event)};
      const context = { awsRequestId: event.requestContext.requestId, functionName: 'get-patient', getRemainingTimeInMillis: () => 10_000 };
      const result = await handler(event, context);
      console.log('RESULT ' + JSON.stringify(result));`;
    const out = runNode(script, { TABLE_NAME: 'bundle-invoke-test', LOG_LEVEL: 'INFO', AWS_ACCESS_KEY_ID: 'none', AWS_SECRET_ACCESS_KEY: 'none' });
    const lines = out.trim().split('\n');
    const result = JSON.parse(lines.find((line) => line.startsWith('RESULT '))!.slice('RESULT '.length)) as Json;
    expect(result.statusCode).toBe(401);
    expect(result.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(result.body)).toMatchObject({ status: 401 });
    // Its access-log line names its route (each function logs the route it serves).
    const logged = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Json);
    expect(logged).toContainEqual(expect.objectContaining({ message: 'request', route: routeKeyOf(routes.getPatient), status: 401 }));
  });
  /*
   * The bundles carry only the credential link that runs in Lambda (shared/db/lambda-credentials.ts,
   * BUNDLE_ALIASES): a request with a token is signed with the role's credentials from the
   * environment, session token included. DynamoDB here is a local server that records what it gets
   * and answers "no such item", so the function answers 401.
   */
  it('getPatient bundle signs its token lookup with the credentials in the environment, and carries no other credential source', async () => {
    const code = readFileSync(join(bundleDir('getPatient'), 'index.mjs'), 'utf8');
    // The SDK's default chain would bring the STS and SSO clients (web identity, SSO) and the ini files.
    // (A match on the bundle would print all of it: name the strings instead.)
    const otherSources = ['AssumeRoleWithWebIdentity', 'GetRoleCredentials', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS', 'credential_process'];
    expect(otherSources.filter((marker) => code.includes(marker))).toEqual([]);
    const received: { target: string; authorization: string; token: string; body: string }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({
          target: String(request.headers['x-amz-target']),
          authorization: String(request.headers.authorization),
          token: String(request.headers['x-amz-security-token']),
          body,
        });
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = server.address() as AddressInfo;
      const event = eventOf('getPatient', '/api/v1/org-1/patients/p-1', { org_id: 'org-1', patient_uuid: 'p-1' }, { authorization: `Bearer dbk_${'a'.repeat(43)}` });
      const script = `
        const { handler } = await import(${JSON.stringify(indexUrl('getPatient'))});
        const event = ${JSON.stringify(event)};
        const context = { awsRequestId: event.requestContext.requestId, functionName: 'get-patient', getRemainingTimeInMillis: () => 10_000 };
        console.log('RESULT ' + JSON.stringify(await handler(event, context)));`;
      const out = await runNodeAsync(script, {
        TABLE_NAME: 'bundle-credentials-test',
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEROLEKEY01',
        AWS_SECRET_ACCESS_KEY: 'example-secret',
        AWS_SESSION_TOKEN: 'example-session-token',
        // The SDK's per-service endpoint setting: this function never sets an endpoint in AWS.
        AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
      });
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      expect(JSON.parse(line!.slice('RESULT '.length))).toMatchObject({ statusCode: 401 });
      expect(received.length).toBeGreaterThan(0);
      for (const call of received) {
        expect(call.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEROLEKEY01\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, /);
        expect(call.token).toBe('example-session-token');
      }
      expect(received[0]!.target).toMatch(/GetItem$/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
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

  it.each(tenantRoutes)('$name (takes a token): GetItem on the table, in token partitions only, nothing more on token items', (route) => {
    const statements = dynamoStatements(wiringOfRoute(dev.json, routeKeyOf(route)).roleId);
    const onTokens = statements.filter((s) => isDeepStrictEqual(s.Condition, TOKEN_CONDITION));
    expect(onTokens).toHaveLength(1);
    expect(onTokens[0]).toMatchObject({ Effect: 'Allow', Condition: TOKEN_CONDITION });
    expect(asArray(onTokens[0]!.Action)).toEqual(['dynamodb:GetItem']);
    expect(asArray(onTokens[0]!.Resource as Json)).toEqual([tableArn()]);
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

  it('no policy anywhere has a wildcard action or resource (but the two AWS forces on the webhook functions), and no role has a managed policy', () => {
    const policies = [
      ...resourcesOfType(dev.json, 'AWS::IAM::Role').flatMap(([, r]) => (r.Properties.Policies ?? []).map((p: Json) => p.PolicyDocument)),
      ...resourcesOfType(dev.json, 'AWS::IAM::Policy').map(([, p]) => p.Properties.PolicyDocument),
      ...resourcesOfType(dev.json, 'AWS::IAM::ManagedPolicy').map(([, p]) => p.Properties.PolicyDocument),
    ] as Json[];
    expect(policies.length).toBeGreaterThanOrEqual(routeList.length);
    const statements: Statement[] = policies.flatMap((p) => p.Statement);
    expect(actionsOf(statements).filter((a) => a.includes('*'))).toEqual([]);
    // Every string of every resource, the pieces of an Fn::Join (the index ARNs) included. (A log
    // group's `Arn` attribute, `…:log-group:<name>:*`, is the documented ARN of the group for these
    // actions and covers its own streams only, which Lambda names at run time.)
    const strings = (value: unknown): string[] =>
      typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(strings) : [];
    // The webhook functions' two (webhooks.test.ts holds them and their cdk-nag acknowledgements):
    // dynamodb:ListStreams, which takes no resource, and the run-time names of their own schedules.
    const forced = (s: Statement) =>
      (isDeepStrictEqual(s.Action, 'dynamodb:ListStreams') && s.Resource === '*') || isDeepStrictEqual(s.Action, 'scheduler:CreateSchedule');
    expect(statements.filter(forced)).toHaveLength(3);
    expect(statements.filter((s) => !forced(s)).flatMap((s) => strings(s.Resource)).filter((r) => r.includes('*'))).toEqual([]);
    // Nor an allow-by-exclusion.
    expect(statements.filter((s) => ['NotAction', 'NotResource', 'NotPrincipal'].some((k) => k in s))).toEqual([]);
    for (const [roleId, role] of resourcesOfType(dev.json, 'AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns, roleId).toBeUndefined();
    }
  });

  it('grants through one customer managed policy per role: no inline policy, no policy shared by two roles', () => {
    const roles = resourcesOfType(dev.json, 'AWS::IAM::Role');
    expect(roles).toHaveLength(routeList.length + WEBHOOK_ROLE_COUNT);
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
 * (`dynamodb:LeadingKeys`), so no function can write a token item (and so mint a token for any
 * organisation), and the only access to token items is the token lookup of the routes that take a
 * token: GetItem, nothing else. Generated from the route table and from shared/db/keys.ts: a new
 * route or a new key is covered without a test change. Checked on both synthesized templates.
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
  /** Every function of the stack: the route table's. */
  const functionsOf = (json: Json) =>
    routeList.map((route) => ({ name: route.name, route, roleId: wiringOfRoute(json, routeKeyOf(route)).roleId }));
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
      '$name: every DynamoDB statement is limited to its partitions (tenant data; audit partitions for the audit grant; token items for the token lookup)',
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
          ...(route.scope === 'public'
            ? []
            : [
                { condition: TOKEN_CONDITION, resource: table, actions: ['dynamodb:GetItem'] },
                { condition: CARRIER_CONDITION, resource: table, actions: ['dynamodb:BatchGetItem'] },
              ]),
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

    it('whoami may only read: the table (no index), tenant partitions and its token, nothing written', () => {
      const json = template();
      const statements = dynamoStatementsIn(json, wiringOfRoute(json, routeKeyOf(routes.whoami)).roleId);
      const actions = [...new Set(statements.flatMap((s) => asArray(s.Action)))].sort();
      expect(actions).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
      expect(JSON.stringify(statements)).not.toContain('/index/');
    });

    it('the token lookup of every route that takes a token: GetItem on token partitions, or BatchGetItem of them with tenant items, and no other access to token items', () => {
      const json = template();
      for (const route of tenantRoutes) {
        const statements = dynamoStatementsIn(json, wiringOfRoute(json, routeKeyOf(route)).roleId);
        const onTokens = statements.filter((s) => statementAllowsPartition(s, tokenKey));
        expect(onTokens.map((s) => ({ effect: s.Effect, actions: asArray(s.Action), condition: s.Condition })), route.name).toEqual([
          { effect: 'Allow', actions: ['dynamodb:GetItem'], condition: TOKEN_CONDITION },
          { effect: 'Allow', actions: ['dynamodb:BatchGetItem'], condition: CARRIER_CONDITION },
        ]);
        for (const { builder, pk } of examples.filter((e) => e.builder !== 'token')) {
          // Tenant items only beside a token item, in one batch read.
          expect(allowedOn(onTokens, pk), `${route.name} ${builder}`).toEqual(['dynamodb:BatchGetItem']);
        }
      }
    });

    it.each(routeList.map((route) => ({ name: route.name, route })))(
      '$name: on a token item, GetItem or BatchGetItem if it takes a token, nothing if public',
      ({ route }) => {
        const json = template();
        expect(actionsOnPartition(json, wiringOfRoute(json, routeKeyOf(route)).roleId, tokenKey)).toEqual(
          route.scope === 'public' ? [] : ['dynamodb:BatchGetItem', 'dynamodb:GetItem'],
        );
      },
    );

    it('only the roles of routes that take a token can touch a TOKEN# item, only to read it, and none can write one', () => {
      const json = template();
      const roles = resourcesOfType(json, 'AWS::IAM::Role').map(([id]) => id);
      expect(roles.filter((id) => !isWebhooks(id)).sort()).toEqual(functionsOf(json).map((f) => f.roleId).sort());
      expect(roles.filter(isWebhooks)).toHaveLength(WEBHOOK_ROLE_COUNT);
      // Reading the table's stream (the webhook dispatcher's event source) is no request on an item:
      // those actions take no key, so no LeadingKeys condition applies to them (webhooks.test.ts holds
      // them to the stream's ARN). Every item action stays limited by partition.
      const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
      const onItems = (roleId: string) => actionsOnPartition(json, roleId, tokenKey).filter((a) => !STREAM_ACTIONS.includes(a));
      const touching = roles.filter((roleId) => onItems(roleId).length > 0);
      expect(touching.sort()).toEqual(tenantRoutes.map((route) => wiringOfRoute(json, routeKeyOf(route)).roleId).sort());
      for (const roleId of touching) expect(actionsOnPartition(json, roleId, tokenKey), roleId).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem']);
      const writing = roles.flatMap((roleId) =>
        actionsOnPartition(json, roleId, tokenKey)
          .filter((a) => WRITE_ACTIONS.includes(a))
          .map((a) => `${roleId} ${a}`),
      );
      expect(writing).toEqual([]);
    });

    it('every data function can still reach every tenant partition it needs (reads everywhere, writes if read-write)', () => {
      const json = template();
      for (const { name, route, roleId } of functionsOf(json).filter((f) => f.route.table !== 'none')) {
        const statements = dynamoStatementsIn(json, roleId);
        for (const { builder, pk } of examples.filter((e) => e.builder !== 'token')) {
          const actions = allowedOn(statements, pk);
          expect(actions, `${name} ${builder}`).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
          if (route.table === 'read-write') expect(actions, `${name} ${builder}`).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem']));
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

  /*
   * The deployed table holds the clinic's data. CloudFormation replaces a resource — a new, empty
   * table; the old one deleted (dev) or orphaned (prod) — when its logical id changes, when its type
   * changes (AWS::DynamoDB::Table to AWS::DynamoDB::GlobalTable, which TableV2 synthesizes), and on
   * a change of properties such as TableName or the key schema. Today's are pinned here.
   */
  it.each(['dev', 'prod'])('%s: keeps the deployed table: same logical id, same resource type, same properties', (stage) => {
    const { json } = stage === 'dev' ? dev : prod;
    const tables = Object.entries(json.Resources as Record<string, Json>).filter(([, r]) => String(r.Type).startsWith('AWS::DynamoDB::'));
    expect(tables.map(([id, r]) => [id, r.Type])).toEqual([['TableCD117FA1', 'AWS::DynamoDB::Table']]);
    expect(TABLE_LOGICAL_ID).toBe('TableCD117FA1');
    const properties = tables[0]![1].Properties as Json;
    expect(Object.keys(properties).sort()).toEqual([
      'AttributeDefinitions',
      'BillingMode',
      'DeletionProtectionEnabled',
      'GlobalSecondaryIndexes',
      'KeySchema',
      'PointInTimeRecoverySpecification',
      'SSESpecification',
      'StreamSpecification',
      'TimeToLiveSpecification',
    ]);
    // A generated name: setting one would replace the table. (Enabling the stream, for webhooks, is an
    // update without interruption; changing its view type later would make a new stream.)
    expect(properties.TableName).toBeUndefined();
    expect(properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
    expect(properties.AttributeDefinitions).toHaveLength(2 + 2 * Object.keys(INDEXES).length);
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
  it('run Node.js 24 on arm64 with 512 MB, 10 s, no source maps and (with table access) the table name', () => {
    const tableId = resourcesOfType(dev.json, 'AWS::DynamoDB::Table')[0]![0];
    const tableless = new Set(tablelessRoutes.map((r) => wiringOfRoute(dev.json, routeKeyOf(r)).functionId));
    expect(tableless.size).toBe(tablelessRoutes.length);
    const auditing = new Set(auditRoutes.map((r) => wiringOfRoute(dev.json, routeKeyOf(r)).functionId));
    expect(auditing.size).toBeGreaterThan(0);
    const keyed = new Set(routeList.filter((r) => r.webhookKey).map((r) => wiringOfRoute(dev.json, routeKeyOf(r)).functionId));
    // The route functions (webhooks.test.ts checks the webhook functions).
    for (const [id, fn] of resourcesOfType(dev.json, 'AWS::Lambda::Function').filter(([id]) => !isWebhooks(id))) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: 10,
        Handler: 'index.handler',
      });
      // Exactly these: in particular no NODE_OPTIONS=--enable-source-maps (the bundles ship no map).
      expect(fn.Properties.Environment?.Variables ?? {}, id).toEqual({
        POWERTOOLS_METRICS_NAMESPACE: 'DentalBooking/dev',
        ...(tableless.has(id) ? {} : { TABLE_NAME: { Ref: tableId } }),
        ...(auditing.has(id) ? { AUDIT_RETENTION_DAYS: '2190' } : {}),
        // The routes that seal or open webhook secrets: the key parameter's name (webhooks.test.ts).
        ...(keyed.has(id) ? { WEBHOOK_KEY_PARAMETER: '/dental-booking/dev/webhook-key' } : {}),
      });
    }
  });

  it('take the audit retention from context (auditRetentionDays), only where they record audit entries', () => {
    const { stack } = contextApp();
    for (const route of routeList) {
      const environment = resolved(stack, (stack.functions.get(route.name)!.node.defaultChild as CfnFunction).environment);
      expect(environment?.variables?.AUDIT_RETENTION_DAYS, route.name).toBe(route.audit ? '365' : undefined);
    }
  });

  it.each([0, -1, '1.5', 'abc', '', '10 days'])('rejects auditRetentionDays=%j', (value) => {
    expect(() => buildApp('dev', { context: { auditRetentionDays: value } })).toThrow(/auditRetentionDays must be a positive integer/);
  });

  it('each log to their own log group with a retention', () => {
    const logGroupIds = resourcesOfType(dev.json, 'AWS::Lambda::Function').map(([, fn]) =>
      referencedId(fn.Properties.LoggingConfig.LogGroup),
    );
    expect(new Set(logGroupIds).size).toBe(routeList.length + WEBHOOK_FUNCTION_COUNT);
    for (const id of logGroupIds) expect(dev.json.Resources[id].Properties.RetentionInDays).toBe(30);
  });
});

describe('log encryption (production: dev has no key, see operations.test.ts)', () => {
  const keyOf = (json: Json) => {
    const keys = resourcesOfType(json, 'AWS::KMS::Key');
    expect(keys).toHaveLength(1);
    return keys[0]!;
  };

  it('prod: encrypts every log group (functions and access logs) with the one rotated customer managed key', () => {
    const [keyId, key] = keyOf(prod.json);
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const logGroups = resourcesOfType(prod.json, 'AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(routeList.length + WEBHOOK_FUNCTION_COUNT + 1);
    for (const [id, group] of logGroups) expect(group.Properties.KmsKeyId, id).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  it('lets CloudWatch Logs of this region use the key, for log groups of this account and region only', () => {
    const statements = keyOf(prod.json)[1].Properties.KeyPolicy.Statement as Json[];
    const logs = statements.filter((s) => s.Sid === 'AllowCloudWatchLogsOfThisAccountAndRegion');
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
    // Apart from that, CloudWatch alarms (to publish to the encrypted alarm topic: operations.test.ts)
    // and the account itself (key administration through IAM); nobody else.
    const others = statements.filter((s) => s !== logs[0] && s.Sid !== 'AllowCloudWatchAlarmsToNotify');
    expect(statements.filter((s) => s.Sid === 'AllowCloudWatchAlarmsToNotify').map((s) => s.Principal)).toEqual([{ Service: 'cloudwatch.amazonaws.com' }]);
    expect(others.map((s) => JSON.stringify(s.Principal))).toEqual([
      JSON.stringify({ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } }),
    ]);
  });

  it('prod: the key is kept with the retained logs', () => {
    expect(keyOf(prod.json)[1]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
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
    // No authorizer, so no authorizer fields (they would always be empty).
    expect(Object.values(format).filter((value) => value.includes('$context.authorizer'))).toEqual([]);
  });

  it('prod: throttled too (the stage limits are what bound request volume)', () => {
    expect(stageOf(prod.json).DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
  });

  it('rejects throttling that is not a positive integer', () => {
    expect(() => buildApp('dev', { context: { throttleRateLimit: '0' } })).toThrow(/throttleRateLimit must be a positive integer/);
  });

  it('takes throttling from context', () => {
    const { stack } = contextApp();
    expect(resolved(stack, (stack.apiStage.node.defaultChild as CfnStage).defaultRouteSettings)).toEqual({
      throttlingRateLimit: 7,
      throttlingBurstLimit: 9,
    });
  });

  it('outputs the API URL and the table name', () => {
    dev.template.hasOutput('ApiUrl', {});
    dev.template.hasOutput('TableName', { Value: { Ref: resourcesOfType(dev.json, 'AWS::DynamoDB::Table')[0]![0] } });
  });
});

describe('CORS', () => {
  const corsOf = (stack: BookingStack) => resolved(stack, (stack.api.node.defaultChild as CfnApi).corsConfiguration);
  const routeMethods = [...new Set(routeList.map((r) => r.method))].sort();

  it('is off by default: no CORS configuration at all (dev and prod)', () => {
    for (const json of [dev.json, prod.json]) {
      const apis = resourcesOfType(json, 'AWS::ApiGatewayV2::Api');
      expect(apis).toHaveLength(1);
      expect(apis[0]![1].Properties.CorsConfiguration).toBeUndefined();
    }
  });

  it('allows exactly the configured origins (comma-separated from the CLI), the route methods and the API headers', () => {
    const cors = corsOf(contextApp().stack);
    expect(cors.allowOrigins).toEqual(['https://app.example.com', 'https://admin.example.com:8443']);
    expect([...cors.allowMethods].sort()).toEqual(routeMethods);
    expect(cors.allowHeaders).toEqual(['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match']);
    expect(cors.allowHeaders).toEqual([...CORS_ALLOW_HEADERS]);
    expect(cors.exposeHeaders).toEqual(['ETag', 'Location', 'Retry-After']);
    expect(cors.exposeHeaders).toEqual([...CORS_EXPOSE_HEADERS]);
    // Bearer tokens, not cookies: browsers need no credentials mode.
    expect(cors.allowCredentials).toBeUndefined();
  });

  it('takes an array too (cdk.json)', () => {
    expect(corsOf(corsArrayApp().stack).allowOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
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
    expect(() => buildApp('dev', { context: { corsOrigins: value } })).toThrow(error);
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

  it.each(['dev', 'prod'])(
    '%s: acknowledges exactly the listed findings, each on the narrowest construct, with its reason',
    (stage) => {
      const { app, stack } = stage === 'dev' ? dev : prod;
      // The webhook construct's own acknowledgements are webhooks.test.ts's.
      const acknowledged = acknowledgementsOf(app).filter((a) => !a.construct.node.path.startsWith(`${stack.webhooks.node.path}/`));
      const byRule = (rule: string) => acknowledged.filter((a) => a.rule === rule);
      const hipaaFunctionRules = Object.keys(FUNCTION_ACKNOWLEDGEMENTS).sort();
      expect(hipaaFunctionRules).toEqual([
        'HIPAA.Security-LambdaConcurrency',
        'HIPAA.Security-LambdaDLQ',
        'HIPAA.Security-LambdaInsideVPC',
      ]);
      // Every acknowledgement is one of these, and nothing else. dev (not production) has no log key:
      // its log groups' finding is acknowledged on each of them (operations.test.ts checks where and why).
      expect([...new Set(acknowledged.map((a) => a.rule))].sort()).toEqual(
        ['AwsSolutions-APIG4', 'HIPAA.Security-DynamoDBInBackupPlan', ...hipaaFunctionRules, ...(stage === 'dev' ? ['HIPAA.Security-CloudWatchLogGroupEncrypted'] : [])].sort(),
      );

      // AwsSolutions-APIG4 (no API Gateway authorization): on each route itself (its CfnRoute is the
      // only resource below), every route: the public ones take no token, the others verify theirs
      // in their function.
      const routeKeys = byRule('AwsSolutions-APIG4').map(({ construct, reason }) => {
        expect(construct).toBeInstanceOf(HttpRoute);
        const resources = construct.node.findAll().filter((c) => c instanceof CfnRoute);
        expect(resources).toHaveLength(1);
        const routeKey = (resources[0] as CfnRoute).routeKey;
        const isPublic = publicRoutes.some((r) => routeKeyOf(r) === routeKey);
        expect(reason, routeKey).toBe(isPublic ? PUBLIC_ROUTE_REASON : TOKEN_ROUTE_REASON);
        return routeKey;
      });
      expect(routeKeys.sort()).toEqual(routeList.map(routeKeyOf).sort());
      expect(PUBLIC_ROUTE_REASON).toMatch(/public/i);
      expect(PUBLIC_ROUTE_REASON).toMatch(/no table access/i);
      expect(TOKEN_ROUTE_REASON).toMatch(/verifies the bearer token/);
      expect(TOKEN_ROUTE_REASON).toMatch(/read of its TOKEN#<sha-256> item by key/);
      expect(TOKEN_ROUTE_REASON).toMatch(/401\/403/);

      // HIPAA Lambda rules: on each function, not on the stack.
      const functions = [...stack.functions.values()];
      expect(functions).toHaveLength(routeList.length);
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

  /** A managed policy that may Query every table (an AwsSolutions-IAM5 finding), acknowledged or not. */
  const wildcardPolicy = (stack: Stack, id: string, acknowledged: boolean) => {
    const role = new Role(stack, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const policy = new ManagedPolicy(stack, id, {
      roles: [role],
      statements: [new PolicyStatement({ actions: ['dynamodb:Query'], resources: ['*'] })],
    });
    if (acknowledged) Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Scratch policy of this test.' });
  };

  /*
   * One app holding one unacknowledged finding of each kind, each on its own scratch construct, and
   * synthesized once: synthesis fails, and each finding is reported on the construct that has it.
   * The stack's own constructs report nothing, and each acknowledgement covers its construct only.
   */
  describe('fails synthesis on every unacknowledged finding', () => {
    let message = '';
    let findings: Array<{ pack: string; rule: string; path: string }> = [];
    let stackPath = '';
    /** The scratch constructs a rule is reported on (`AwsSolutions-IAM4` also matches `AwsSolutions-IAM4[Policy::…]`). */
    const reported = (rule: string) =>
      [...new Set(findings.filter((f) => f.rule === rule || f.rule.startsWith(`${rule}[`)).map((f) => f.path.split('/')[1]))].sort();

    beforeAll(() => {
      // A production stage: elsewhere a log group without a key is acknowledged by design (no log key).
      const { app, stack } = buildApp('prod');
      stackPath = stack.node.path;
      // A route without authorization and without the acknowledgement (AwsSolutions-APIG4).
      new HttpRoute(stack, 'ScratchRoute', {
        httpApi: stack.api,
        routeKey: HttpRouteKey.with('/scratch', HttpMethod.GET),
        integration: new HttpLambdaIntegration('ScratchIntegration', stack.functions.get('getDocsPage')!),
      });
      // An AWS managed policy (AwsSolutions-IAM4, an error).
      const managedRole = new Role(stack, 'ScratchManagedRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
      managedRole.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'));
      // A table without point-in-time recovery (AwsSolutions-DDB3, a warning; HIPAA PITR and backup plan).
      new Table(stack, 'ScratchTable', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
      // A wildcard resource (AwsSolutions-IAM5), and the same acknowledged on another policy.
      wildcardPolicy(stack, 'ScratchWildcardPolicy', false);
      wildcardPolicy(stack, 'ScratchAcknowledgedPolicy', true);
      // An unencrypted log group (a finding only the HIPAA pack reports).
      new LogGroup(stack, 'ScratchLogs', { retention: RetentionDays.ONE_WEEK });
      // A function without the per-function acknowledgements (HIPAA Lambda rules).
      new LambdaFunction(stack, 'ScratchFunction', {
        runtime: Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: Code.fromInline('export const handler = async () => ({});'),
      });
      // An inline policy (HIPAA.Security-IAMNoInlinePolicy).
      const inlineRole = new Role(stack, 'ScratchInlineRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
      inlineRole.addToPolicy(new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [stack.table.tableArn] }));

      try {
        app.synth();
      } catch (error) {
        message = String(error);
      }
      // What synthesis found, from the report it writes before it fails.
      const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as Json;
      findings = (report.pluginReports as Json[]).flatMap((plugin) =>
        (plugin.violations as Json[]).flatMap((v) =>
          (v.violatingConstructs as Json[]).map((c) => ({ pack: String(plugin.pluginName), rule: String(v.ruleName), path: String(c.constructPath) })),
        ),
      );
    });

    it('reports nothing on the stack’s own constructs, only on the scratch ones (whose acknowledgement covers only them)', () => {
      expect(message).not.toBe('');
      expect(findings.length).toBeGreaterThan(0);
      for (const { path } of findings) expect(path.startsWith(`${stackPath}/Scratch`), path).toBe(true);
    });

    it('fails synthesis on a route without authorization that is not acknowledged (the acknowledgement is per route)', () => {
      expect(message).toMatch(/AwsSolutions-APIG4/);
      expect(reported('AwsSolutions-APIG4')).toEqual(['ScratchRoute']);
    });

    it('fails synthesis on an unacknowledged error finding in the stack', () => {
      expect(message).toMatch(/AwsSolutions-IAM4/);
      // (The scratch function's default role, which CDK gives that managed policy, is reported too.)
      expect(reported('AwsSolutions-IAM4')).toContain('ScratchManagedRole');
    });

    it('fails synthesis on an unacknowledged warning finding too', () => {
      expect(message).toMatch(/AwsSolutions-DDB3/);
      expect(reported('AwsSolutions-DDB3')).toEqual(['ScratchTable']);
    });

    it('passes once the finding is acknowledged on the resource, with a reason', () => {
      expect(message).toMatch(/AwsSolutions-IAM5\[Resource::\*\]/);
      // The unacknowledged policy is reported; the acknowledged one is not.
      expect(reported('AwsSolutions-IAM5')).toEqual(['ScratchWildcardPolicy']);
      // And with only the acknowledged one, the app synthesizes.
      const { app, stack } = buildApp('dev');
      wildcardPolicy(stack, 'ScratchAcknowledgedPolicy', true);
      expect(() => app.synth()).not.toThrow();
    });

    /*
     * The HIPAA Security pack fails synthesis on its own findings just like AWS Solutions, and its
     * acknowledgements are per construct: the ones on the stack's functions and table cover nothing else.
     */
    it('HIPAA: fails synthesis on an unencrypted log group (a finding only the HIPAA pack reports)', () => {
      expect(message).toMatch(/HIPAA\.Security-CloudWatchLogGroupEncrypted/);
      // (The scratch function's own log group, which CDK makes unencrypted, is reported too.)
      expect(reported('HIPAA.Security-CloudWatchLogGroupEncrypted')).toContain('ScratchLogs');
      expect(findings.filter((f) => f.path.startsWith(`${stackPath}/ScratchLogs/`) && f.pack !== 'HIPAA.Security')).toEqual([]);
    });

    it('HIPAA: fails synthesis on a function without the per-function acknowledgements', () => {
      for (const rule of Object.keys(FUNCTION_ACKNOWLEDGEMENTS)) {
        expect(message).toContain(rule);
        expect(reported(rule), rule).toEqual(['ScratchFunction']);
      }
      expect(message).toContain('ScratchFunction');
    });

    it('HIPAA: fails synthesis on a table without point-in-time recovery or backup plan', () => {
      // The stack's own table's backup-plan acknowledgement does not cover another table.
      expect(reported('HIPAA.Security-DynamoDBInBackupPlan')).toEqual(['ScratchTable']);
      expect(reported('HIPAA.Security-DynamoDBPITREnabled')).toEqual(['ScratchTable']);
      expect(message).toMatch(/HIPAA\.Security-DynamoDBPITREnabled/);
    });

    it('HIPAA: fails synthesis on an inline policy', () => {
      expect(message).toMatch(/HIPAA\.Security-IAMNoInlinePolicy/);
      expect(reported('HIPAA.Security-IAMNoInlinePolicy')).toEqual(['ScratchInlineRole']);
    });
  });
});
