/**
 * `npm run bench`: throughput, latency, DynamoDB round trips and units, bundle sizes, init and cold
 * requests, and a cost model — each printed beside the figure README.md stated before the cold-path
 * work (infra/bench/before.json), so the README can show both.
 *
 * 1. bundles every function of the stack as the stack does and times module init in fresh node
 *    processes, with each function's environment as deployed (NODE_OPTIONS included, read from the
 *    stack, not written here), against a bundle that only builds the DynamoDB client — first, while
 *    nothing else of the bench runs;
 * then starts its own DynamoDB Local (in memory) and the local API in-process, creates a clinic, and:
 * 2. books at concurrency 1, 8 and 32 through the local HTTP API, and sends the same transaction
 *    (appointment + lock + audit items, same sizes) straight to DynamoDB Local at the same levels;
 * 3. per operation through the API: DynamoDB calls, sequential stages (shared/db/stage-counter.ts)
 *    and request units, counted by SDK middleware on the shared document client (units computed from
 *    item sizes; DynamoDB Local's ConsumedCapacity is not real). The token lookup is inside each
 *    request (the route's function verifies its token);
 * 4. cold requests: a fresh node process imports a function's bundle and serves its first request
 *    end to end against DynamoDB Local, against the client-only bundle making one GetItem;
 * 5. prices it all from infra/bench/prices.json;
 * 6. fixed: synthesizes the dev and prod stacks (and prod with latencyAlarms=api, and with waf=true) and prices what they
 *    deploy that is billed by the month (infra/cost/fixed-cost.ts): what a stage costs while idle.
 * Writes .local/bench/latest.json and prints tables. Not part of `npm test`.
 * BENCH_BOOKINGS, BENCH_SECONDS and BENCH_OP_REPEATS shorten it; BENCH_ONLY=bundles,cold (any of
 * throughput, operations, bundles, cold, fixed) runs only those parts.
 */
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Server } from 'node:http';
import { build } from 'esbuild';
import { marshall } from '@aws-sdk/util-dynamodb';
import { startDynamoDbLocal, type DynamoDbLocal } from '../local/dynamodb-local.ts';
import { countStages } from '#shared/db/stage-counter.ts';
import { BUNDLE_ALIASES } from '../constructs/route-function.ts';
import type { FixedCost, FixedPrices, Template } from '../cost/fixed-cost.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUT_DIR = join(ROOT, '.local', 'bench');
const BUNDLE_DIR = join(OUT_DIR, 'bundles');
const PRICES = JSON.parse(readFileSync(join(import.meta.dirname, 'prices.json'), 'utf8')) as Prices;
const LEVELS = [1, 8, 32];
const MAX_BOOKINGS_PER_LEVEL = Number(process.env.BENCH_BOOKINGS ?? 400);
const MAX_SECONDS_PER_LEVEL = Number(process.env.BENCH_SECONDS ?? 40);
/** Paired API/raw rounds per concurrency level (BENCH_ROUNDS): the ratio is their median. */
const THROUGHPUT_ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 10));
const OP_REPEATS = Number(process.env.BENCH_OP_REPEATS ?? 10);
const INIT_RUNS = 5;
const COLD_RUNS = 3;
const PARTS = ['throughput', 'operations', 'bundles', 'cold', 'fixed'] as const;
type Part = (typeof PARTS)[number];
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map((p) => p.trim()).filter(Boolean);
for (const part of ONLY) if (!PARTS.includes(part as Part)) throw new Error(`BENCH_ONLY: no part ${part} (${PARTS.join(', ')})`);
const runs = (part: Part) => ONLY.length === 0 || ONLY.includes(part);
const BEFORE = JSON.parse(readFileSync(join(import.meta.dirname, 'before.json'), 'utf8')) as Before;

type Prices = {
  fixed_monthly: FixedPrices & { custom_metric_usd: number; xray_usd_per_million_traces: number };
  as_of: string;
  region: string;
  sources: string[];
  dynamodb_on_demand: { usd_per_million_wru: number; usd_per_million_rru: number };
  lambda_arm64: { usd_per_gb_second: number; usd_per_million_requests: number; memory_mb: number };
  http_api: { usd_per_million_requests: number };
  cloudwatch_logs: { usd_per_gb_ingested: number; assumed_bytes_per_request: number };
  reference_clinic: { providers: number; operatories: number; bookings_per_month: number; other_calls_per_month: number; other_calls_mix: Record<string, number> };
};
type Obj = Record<string, unknown>;
type Before = {
  throughput: { concurrency: number; api_per_second: number; p50_ms: number; p95_ms: number; p99_ms: number; raw_per_second: number; ratio_api_over_raw: number }[];
  operations: Record<string, { calls: number; rru: number; wru: number }>;
  stages: Record<string, number>;
  bundles: {
    data_routes_kib: [number, number];
    data_routes_init_ms: [number, number];
    data_routes_init_vs_client: [number, number];
    client_only_kib: number;
    client_only_init_ms: number;
    authorizer_kib: number;
    authorizer_init_ms: number;
  };
  cost: { usd_per_1000_bookings: number; reference_clinic_usd_per_month: number };
};

// ---------------------------------------------------------------------------------------------
// Request units, from item sizes (JSON length of the marshalled item approximates DynamoDB's size).

type Tally = { calls: Record<string, number>; rru: number; wru: number };
const newTally = (): Tally => ({ calls: {}, rru: 0, wru: 0 });
let tally: Tally | undefined;
let captureTransaction: ((items: Obj[]) => void) | undefined;

function sizeOf(value: unknown): number {
  if (!value || typeof value !== 'object') return 0;
  return Buffer.byteLength(JSON.stringify(marshall(value as Obj, { removeUndefinedValues: true, convertClassInstanceToMap: true })));
}
const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** Size of the item a write touches, as far as the request shows it. */
function writeSize(op: Obj): number {
  if (op.Item) return sizeOf(op.Item);
  return sizeOf(op.Key) + sizeOf(op.ExpressionAttributeValues);
}

function account(t: Tally, command: string, input: Obj, output: Obj | undefined) {
  const name = command.replace(/Command$/, '');
  t.calls[name] = (t.calls[name] ?? 0) + 1;
  const factor = (consistent: unknown) => (consistent ? 1 : 0.5);
  switch (name) {
    case 'GetItem':
      t.rru += readUnits(sizeOf(output?.Item)) * factor(input.ConsistentRead);
      break;
    case 'Query':
    case 'Scan': {
      const items = (output?.Items as Obj[] | undefined) ?? [];
      t.rru += readUnits(items.reduce((s, i) => s + sizeOf(i), 0)) * factor(input.ConsistentRead);
      break;
    }
    case 'BatchGetItem': {
      const requests = (input.RequestItems ?? {}) as Record<string, Obj>;
      const responses = (output?.Responses ?? {}) as Record<string, Obj[]>;
      for (const [table, items] of Object.entries(responses)) {
        for (const item of items) t.rru += readUnits(sizeOf(item)) * factor(requests[table]?.ConsistentRead);
      }
      break;
    }
    case 'TransactGetItems':
      for (const r of (output?.Responses as Obj[] | undefined) ?? []) t.rru += readUnits(sizeOf(r.Item)) * 2;
      break;
    case 'PutItem':
      t.wru += writeUnits(sizeOf(input.Item));
      break;
    case 'UpdateItem':
    case 'DeleteItem':
      t.wru += writeUnits(output?.Attributes ? Math.max(sizeOf(output.Attributes), writeSize(input)) : writeSize(input));
      break;
    case 'BatchWriteItem':
      for (const requests of Object.values((input.RequestItems ?? {}) as Record<string, Obj[]>)) {
        for (const r of requests) t.wru += writeUnits(sizeOf((r.PutRequest as Obj | undefined)?.Item ?? (r.DeleteRequest as Obj | undefined)?.Key));
      }
      break;
    case 'TransactWriteItems':
      // A cancelled transaction is charged too, so failures count the same.
      for (const entry of (input.TransactItems as Obj[] | undefined) ?? []) {
        const op = (entry.Put ?? entry.Update ?? entry.Delete ?? entry.ConditionCheck) as Obj;
        t.wru += writeUnits(writeSize(op)) * 2;
      }
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
const round = (n: number, digits = 2) => Number.isFinite(n) ? Number(n.toFixed(digits)) : n;
function table(rows: Obj[]): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]!);
  const cells = rows.map((r) => cols.map((c) => String(r[c] ?? '')));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(cols), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
/** A future day (YYYY-MM-DD), `offset` days after a fixed point past the next DST changes. */
function day(offset: number): string {
  const base = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 3));
  return new Date(base.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
}
const hh = (h: number) => String(h).padStart(2, '0');
/** The n-th distinct one-hour window: 18 a day, 05:00–23:00 local (clear of the 01:00–03:00 DST hours). */
function window(n: number): { start: string; end: string } {
  const d = day(Math.floor(n / 18));
  const h = 5 + (n % 18);
  return { start: `${d}T${hh(h)}:00:00`, end: `${d}T${hh(h + 1)}:00:00` };
}

// ---------------------------------------------------------------------------------------------

/** `a–b` of a list of numbers (one number when they are equal). */
function span(values: number[], digits = 1): string {
  if (values.length === 0) return '—';
  const lo = round(Math.min(...values), digits);
  const hi = round(Math.max(...values), digits);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}
const orDash = (value: unknown) => (value === undefined || value === null ? '—' : String(value));

// ---------------------------------------------------------------------------------------------
// The stack's functions, as deployed: entry and environment (NODE_OPTIONS included). The stack is
// built with bundling skipped, so this reads the configuration without bundling anything.

type Deployed = { name: string; handler: string; table: string; environment: Obj };

async function deployedFunctions(): Promise<Deployed[]> {
  const { App, Stack } = await import('aws-cdk-lib');
  const { BookingStack } = await import('../booking-stack.ts');
  const { routeList } = await import('#shared/routes.ts');
  const outdir = mkdtempSync(join(tmpdir(), 'bench-cdk-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new BookingStack(app, 'DentalBooking-bench', { stage: 'bench' });
    return [...stack.functions].map(([name, fn]) => {
      const cfn = fn.node.defaultChild as { environment?: unknown };
      const resolved = Stack.of(fn).resolve(cfn.environment) as { variables?: Obj } | undefined;
      const route = routeList.find((r) => r.name === name);
      return { name, handler: route?.handler ?? name, table: route?.table ?? 'read', environment: resolved?.variables ?? {} };
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const nodeOptionsOf = (environment: Obj) => (typeof environment.NODE_OPTIONS === 'string' ? environment.NODE_OPTIONS : '');

/**
 * A child process's environment: the function's deployed variables (the table name, a token in the
 * template, becomes `tableName`), and what Lambda would provide. Nothing of this process leaks in.
 */
function childEnv(environment: Obj, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    // Lambda runs Node 24: the SDK's notice about older Node versions would not be there.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const [key, value] of Object.entries(environment)) env[key] = typeof value === 'string' ? value : key === 'TABLE_NAME' ? 'bench' : JSON.stringify(value);
  return { ...env, ...extra };
}

/**
 * Runs `script` as an ES module in a fresh node process; returns what it printed after `@@`, or the
 * error that ended it (its first line: a bundle that throws at import is a finding, not a crash).
 */
function runFresh(script: string, env: NodeJS.ProcessEnv): { ok: true; out: string } | { ok: false; error: string } {
  try {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    const at = out.lastIndexOf('@@');
    if (at < 0) return { ok: false, error: `printed no result: ${out.slice(-200)}` };
    return { ok: true, out: out.slice(at + 2).trim() };
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    return { ok: false, error: /^\w*Error\b.*$/m.exec(stderr)?.[0]?.slice(0, 200) ?? `exit ${String((error as { status?: unknown }).status)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Fixed monthly cost of each stage, from its synthesized template (no bundling, no cdk-nag).

const FIXED_STAGES: ReadonlyArray<{ label: string; stage: string; context: Obj }> = [
  { label: 'dev', stage: 'dev', context: {} },
  { label: 'prod', stage: 'prod', context: {} },
  { label: 'prod, latencyAlarms=api', stage: 'prod', context: { latencyAlarms: 'api' } },
  // Both of its stacks: the stage's and its web ACL's (us-east-1).
  { label: 'prod, waf=true', stage: 'prod', context: { waf: 'true', region: 'us-east-1' } },
];

type FixedResult = { stage: string; options: Obj; cost: FixedCost };

async function fixedCosts(): Promise<FixedResult[]> {
  const { App } = await import('aws-cdk-lib');
  const { createStageStacks } = await import('../booking-app.ts');
  const { fixedMonthlyCost } = await import('../cost/fixed-cost.ts');
  const cdkContext = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Obj }).context;
  const results: FixedResult[] = [];
  for (const { label, stage, context } of FIXED_STAGES) {
    const outdir = mkdtempSync(join(tmpdir(), 'bench-fixed-'));
    try {
      const app = new App({ outdir, context: { ...cdkContext, ...context, stage, 'aws:cdk:bundling-stacks': [] } });
      const { stack, wafStack } = createStageStacks(app);
      const assembly = app.synth();
      const templates = [stack, ...(wafStack ? [wafStack] : [])].map((s) => assembly.getStackByName(s.stackName).template as Template);
      const shown: Obj = { ...stack.options };
      delete shown.routeThrottles;
      if (!stack.options.waf) delete shown.wafRateLimit;
      results.push({ stage: label, options: shown, cost: fixedMonthlyCost(templates, PRICES.fixed_monthly) });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  return results;
}

/** Custom metrics the functions can publish (each billed only for the hours it receives data). */
async function customMetricCount(): Promise<{ per_route: number; problems: number; stage_wide: number; total: number }> {
  const { routeList } = await import('#shared/routes.ts');
  const { PROBLEM_TYPES } = await import('#shared/errors.ts');
  const perRoute = 3 * routeList.length; // Latency, Fault, ClientError
  const problems = Object.values(PROBLEM_TYPES).filter((p) => p.status < 500).length + 1; // + other
  const stageWide = 6; // ColdStart, Bookings, Conflicts, Cancellations, WebhookDeliveries, WebhookFailures
  return { per_route: perRoute, problems, stage_wide: stageWide, total: perRoute + problems + stageWide };
}

// ---------------------------------------------------------------------------------------------

let dynamo: DynamoDbLocal | undefined;
let server: Server | undefined;
let stopping: Promise<void> | undefined;
function stopServer(): Promise<void> {
  const s = server;
  server = undefined;
  if (!s) return Promise.resolve();
  s.closeAllConnections?.();
  return new Promise<void>((r) => s.close(() => r()));
}
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    await stopServer();
    await dynamo?.stop();
  })();
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping`);
    void stopAll().finally(() => process.exit(130));
  });
}

type LevelResult = { concurrency: number; attempted: number; ok: number; failed: number; seconds: number; per_second: number; p50_ms: number; p95_ms: number; p99_ms: number };
type OpResult = {
  name: string;
  status: string;
  calls: Record<string, number>;
  dynamodb_calls: number;
  stages: number;
  stages_max: number;
  rru: number;
  wru: number;
  latency_p50_ms: number;
  function_ms: number;
};
type BundleResult = {
  function: string;
  table: string;
  node_options: string;
  source_map: boolean;
  bytes: number;
  kib: number;
  init_ms: number;
  init_vs_client: number;
  init_cpu_ms: number;
  init_cpu_vs_client: number;
  error?: string;
};
type ColdResult = { function: string; status: string; import_ms: number; request_ms: number; total_ms: number; total_vs_client: number; error?: string };
const CLIENT_ONLY = '(client only)';
/**
 * The same bare client bundled with the SDK's own default credential chain, as the issue measured its
 * baseline (333 KiB): shown for comparison; every ratio is against CLIENT_ONLY, which is bundled
 * exactly as the functions are (the stack's BUNDLE_ALIASES), so the ratios count only our own code.
 */
const CLIENT_ONLY_SDK_CHAIN = '(client only, SDK chain)';
/**
 * The booking function without Powertools metrics (the module replaced by infra/bench/no-metrics.ts)
 * and with the Powertools tracer (infra/bench/with-tracer.ts): what metrics add, and what in-code
 * tracing would add, to a bundle and its init.
 */
const NO_METRICS = '(book-appointment without metrics)';
const WITH_TRACER = '(book-appointment with tracer)';
/** The functions whose cold request is measured (their first requests are made in main). */
const COLD_FUNCTIONS: readonly string[] = ['get-settings', 'list-appointment-types', 'search-patients', 'get-availability', 'book-appointment'];

async function main() {
  const t0 = performance.now();
  mkdirSync(OUT_DIR, { recursive: true });
  // The SDK's notice about Node versions older than Lambda's is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const needsDb = runs('throughput') || runs('operations') || runs('cold');
  const TABLE = 'dental-booking-bench';

  let throughput: { api: LevelResult; raw: LevelResult; api_statuses: Record<string, number>; ratio_api_over_raw: number; ratio_rounds: number[] }[] = [];
  let txShape: Obj | undefined;
  const perOp: OpResult[] = [];
  let providerCount = 0;
  let operatoryCount = 0;
  /** Events of the cold-request part, by function (one per run), made while the clinic is at hand. */
  const coldEvents = new Map<string, { expect: number; events: Obj[] }>();
  const rc = PRICES.reference_clinic;

  // -------------------------------------------------------------------------------------------
  // 1. Bundles (as the stack bundles them) and module init, under each function's deployed environment;
  // first, while nothing else of the bench (DynamoDB Local's JVM) runs.
  const bundles: BundleResult[] = [];
  const cold: ColdResult[] = [];
  let deployedNodeOptions: string[] = [];
  let built: { name: string; table: string; outfile: string; environment: Obj; sourceMap: boolean; aliases: boolean; runs: number[]; cpuRuns: number[]; error?: string }[] = [];
  if (runs('bundles') || runs('cold')) {
    console.log('Reading the functions and their environment from the stack…');
    const deployed = await deployedFunctions();
    deployedNodeOptions = [...new Set(deployed.map((d) => nodeOptionsOf(d.environment)))];
    // The baseline runs under the options most functions have.
    const counts = new Map<string, number>();
    for (const d of deployed) counts.set(nodeOptionsOf(d.environment), (counts.get(nodeOptionsOf(d.environment)) ?? 0) + 1);
    const baselineOptions = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    const entries = [
      ...deployed.filter((d) => runs('bundles') || COLD_FUNCTIONS.includes(d.handler)).map((d) => ({ name: d.handler, table: d.table, file: join(ROOT, 'functions', `${d.handler}.ts`), environment: d.environment })),
      { name: CLIENT_ONLY, table: 'read', file: join(import.meta.dirname, 'client-only.ts'), environment: { TABLE_NAME: 'bench', ...(baselineOptions ? { NODE_OPTIONS: baselineOptions } : {}) } as Obj },
      ...(runs('bundles')
        ? [{ name: CLIENT_ONLY_SDK_CHAIN, table: 'read', file: join(import.meta.dirname, 'client-only.ts'), environment: { TABLE_NAME: 'bench', ...(baselineOptions ? { NODE_OPTIONS: baselineOptions } : {}) } as Obj }]
        : []),
      ...(runs('bundles')
        ? [NO_METRICS, WITH_TRACER].map((name) => {
            const booking = deployed.find((d) => d.handler === 'book-appointment')!;
            const file = name === WITH_TRACER ? join(import.meta.dirname, 'with-tracer.ts') : join(ROOT, 'functions', 'book-appointment.ts');
            return { name, table: booking.table, file, environment: booking.environment };
          })
        : []),
    ];

    console.log(`Bundling ${entries.length} functions…`);
    rmSync(BUNDLE_DIR, { recursive: true, force: true });
    mkdirSync(BUNDLE_DIR, { recursive: true });
    built = entries.map((entry) => ({
      name: entry.name,
      table: entry.table,
      outfile: join(BUNDLE_DIR, entry.name.replace(/[^a-z0-9-]/g, '_'), 'index.mjs'),
      environment: entry.environment,
      // The stack ships a source map exactly when its functions run with --enable-source-maps: a
      // map costs init only when Node is told to load it.
      sourceMap: /--enable-source-maps\b/.test(nodeOptionsOf(entry.environment)),
      aliases: entry.name !== CLIENT_ONLY_SDK_CHAIN,
      runs: [],
      cpuRuns: [],
    }));
    // As the stack bundles each function (infra/constructs/route-function.ts, BUNDLING), in one esbuild
    // run per source-map and alias setting.
    for (const [sourceMap, aliases, noMetrics] of [[false, true, false], [true, true, false], [false, false, false], [false, true, true]] as const) {
      const group = built.filter((b) => b.sourceMap === sourceMap && b.aliases === aliases && (b.name === NO_METRICS) === noMetrics);
      if (group.length === 0) continue;
      await build({
        plugins: noMetrics
          ? [{ name: 'no-metrics', setup: (b) => b.onResolve({ filter: /observability\/metrics\.ts$/ }, () => ({ path: join(import.meta.dirname, 'no-metrics.ts') })) }]
          : [],
        absWorkingDir: ROOT,
        alias: aliases ? { ...BUNDLE_ALIASES } : {},
        entryPoints: group.map((b) => ({ in: entries.find((e) => e.name === b.name)!.file, out: relative(BUNDLE_DIR, b.outfile).replace(/\.mjs$/, '') })),
        outdir: BUNDLE_DIR,
        outExtension: { '.js': '.mjs' },
        bundle: true,
        minify: true,
        sourcemap: sourceMap,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: { js: "import { createRequire as topLevelCreateRequire } from 'module';const require = topLevelCreateRequire(import.meta.url);" },
        logLevel: 'error',
      });
    }

    if (runs('bundles')) {
      console.log(`Timing module init of ${built.length} bundles (${INIT_RUNS} rounds, round-robin, deployed NODE_OPTIONS: ${deployedNodeOptions.map((o) => JSON.stringify(o)).join(', ')})…`);
      // Wall time, as Lambda bills and reports init; and the CPU time the import took, which another
      // load on the machine barely changes (a busy machine stretches wall time, not work).
      const initScript = (outfile: string) =>
        `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(outfile).href)}); const ms = performance.now() - t; const cpu = process.cpuUsage(c); process.stdout.write('@@' + JSON.stringify({ ms, cpu_ms: (cpu.user + cpu.system) / 1000 }));`;
      // Round-robin, so background load spreads over every bundle; the baseline runs three times a round.
      for (let r = 0; r < INIT_RUNS; r++) {
        for (const b of built) {
          const times = b.name === CLIENT_ONLY || b.name === CLIENT_ONLY_SDK_CHAIN || b.name === NO_METRICS || b.name === WITH_TRACER ? 3 : 1;
          for (let i = 0; i < times && !b.error; i++) {
            const run = runFresh(initScript(b.outfile), childEnv(b.environment, {}));
            if (run.ok) {
              const sample = JSON.parse(run.out) as { ms: number; cpu_ms: number };
              b.runs.push(sample.ms);
              b.cpuRuns.push(sample.cpu_ms);
            }
            else b.error = run.error;
          }
        }
      }
      for (const b of built) {
        const bytes = statSync(b.outfile).size;
        bundles.push({
          function: b.name,
          table: b.table,
          node_options: nodeOptionsOf(b.environment),
          source_map: b.sourceMap,
          bytes,
          kib: round(bytes / 1024, 1),
          init_ms: b.error ? NaN : round(median(b.runs), 1),
          init_vs_client: 0,
          init_cpu_ms: b.error ? NaN : round(median(b.cpuRuns), 1),
          init_cpu_vs_client: 0,
          ...(b.error ? { error: b.error } : {}),
        });
      }
      const baseline = bundles.find((b) => b.function === CLIENT_ONLY)!;
      for (const b of bundles) {
        b.init_vs_client = round(b.init_ms / baseline.init_ms, 2);
        b.init_cpu_vs_client = round(b.init_cpu_ms / baseline.init_cpu_ms, 2);
      }
    }

  }

  if (needsDb) {
    console.log('Starting DynamoDB Local (in memory) and the local API…');
    dynamo = await startDynamoDbLocal();
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    process.env.TABLE_NAME = TABLE;
    process.env.AWS_REGION ||= 'local';
    process.env.LOG_LEVEL = 'SILENT';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

    // Modules that read the environment load only now that it is set.
    const { createClient, createDocumentClient } = await import('#shared/db/client-factory.ts');
    const { db } = await import('#shared/db/client.ts');
    const { BatchWriteCommand, GetCommand, TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
    const { ensureTable } = await import('../local/create-table.ts');
    const { createLocalApi, listen } = await import('../local/api-gateway.ts');
    const { createTestClinic, worksAroundTheClock } = await import('../../test/helpers/clinic.ts');
    const { createProvider } = await import('#shared/domain/providers.ts');
    const { routes, pathOf } = await import('#shared/routes.ts');

    await ensureTable(createClient(dynamo.endpoint, process.env.AWS_REGION), TABLE);

    db.middlewareStack.add(
      (next, context) => async (args) => {
        const t = tally;
        const input = args.input as unknown as Obj;
        const command = context.commandName ?? 'Unknown';
        if (captureTransaction && command.startsWith('TransactWriteItems')) captureTransaction(input.TransactItems as Obj[]);
        try {
          const out = await next(args);
          if (t) account(t, command, input, out.output as unknown as Obj);
          return out;
        } catch (error) {
          if (t) account(t, command, input, undefined);
          throw error;
        }
      },
      { step: 'initialize', name: 'benchRequestUnits', override: true },
    );
    const stages = countStages(db);

    const clinic = await createTestClinic({ operatories: rc.operatories });
    const providers = [clinic.dentist, clinic.hygienist];
    while (providers.length < rc.providers) {
      const p = await createProvider(clinic.orgId, { first_name: 'Extra', last_name: `Provider ${providers.length + 1}`, title: 'DDS' });
      await worksAroundTheClock(clinic.orgId, p.uuid, clinic.location.uuid);
      providers.push(p);
    }
    providerCount = providers.length;
    operatoryCount = clinic.operatories.length;
    server = createLocalApi();
    const port = await listen(server, 0);
    const api = `http://127.0.0.1:${port}/api/v1/${clinic.orgId}`;
    const auth = { authorization: `Bearer ${clinic.token}` };
    const rawDb = createDocumentClient(dynamo.endpoint, process.env.AWS_REGION);

    async function call(method: string, path: string, body?: unknown): Promise<{ status: number; ms: number; json: Obj }> {
      const started = performance.now();
      const res = await fetch(`${api}${path}`, {
        method,
        headers: { ...auth, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      const ms = performance.now() - started;
      return { status: res.status, ms, json: text ? (JSON.parse(text) as Obj) : {} };
    }

    let nextWindow = 0;
    const bookingBody = (n: number, withOperatory: boolean) => {
      const w = window(n);
      return {
        patient_uuid: clinic.patients.jane.uuid,
        appointment_type_uuid: clinic.types.exam.uuid,
        location_uuid: clinic.location.uuid,
        provider_uuid: providers[n % providers.length]!.uuid,
        ...(withOperatory ? { operatory_uuid: clinic.operatories[n % clinic.operatories.length]!.uuid } : {}),
        scheduled_start: w.start,
        scheduled_end: w.end,
        notes: 'Bench booking',
      };
    };

    // Warm-up: load every handler module once (the local API imports them lazily).
    await call('GET', '/appointment-types?is_active=true');
    await call('GET', '/patients?query=Smith&page=1&page_size=5');

    // -----------------------------------------------------------------------------------------
    // 2. Throughput: API vs raw TransactWriteItems of the same items.
    if (runs('throughput')) {
      console.log('Capturing one booking transaction for the raw comparison…');
      let captured: Obj[] | undefined;
      captureTransaction = (items) => (captured = JSON.parse(JSON.stringify(items)) as Obj[]);
      const probe = await call('POST', '/appointments', bookingBody(nextWindow++, true));
      captureTransaction = undefined;
      if (probe.status !== 201 || !captured) throw new Error(`probe booking answered ${probe.status}: ${JSON.stringify(probe.json)}`);
      const probeId = probe.json.uuid as string;
      const template = JSON.stringify(captured);
      // The transaction's guards update items it did not create (the provider's and the operatory's,
      // on condition that they are active and unchanged): each raw transaction gets its own copies
      // of them, under its own organisation, written before the level starts.
      const guarded: Obj[] = [];
      for (const entry of captured) {
        const key = ((entry.Update ?? entry.ConditionCheck ?? entry.Delete) as Obj | undefined)?.Key as Obj | undefined;
        if (!key) continue;
        const out = await rawDb.send(new GetCommand({ TableName: TABLE, Key: key as never, ConsistentRead: true }));
        if (out.Item) guarded.push(out.Item as Obj);
      }
      const guardedText = JSON.stringify(guarded);
      async function rawOrganisations(count: number): Promise<string[]> {
        const orgs = Array.from({ length: count }, () => randomUUID());
        const items = orgs.flatMap((org) => JSON.parse(guardedText.replaceAll(clinic.orgId, org)) as Obj[]);
        for (let i = 0; i < items.length; i += 25) {
          let requests: Obj = { [TABLE]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) };
          while (Object.keys(requests).length > 0) {
            const out = await rawDb.send(new BatchWriteCommand({ RequestItems: requests as never }));
            requests = (out.UnprocessedItems ?? {}) as Obj;
          }
        }
        return orgs;
      }
      txShape = {
        items: captured.length,
        puts: captured.filter((i) => i.Put).length,
        item_bytes: captured.map((i) => sizeOf(((i.Put ?? i.Update ?? i.Delete ?? i.ConditionCheck) as Obj).Item ?? (i.Update as Obj | undefined)?.Key)),
      };

      async function runLevel(concurrency: number, count: number, seconds: number, one: (n: number) => Promise<{ ok: boolean; ms: number }>): Promise<LevelResult & { latencies: number[] }> {
        const latencies: number[] = [];
        let issued = 0;
        let ok = 0;
        let failed = 0;
        const started = performance.now();
        const deadline = started + seconds * 1000;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (issued < count && performance.now() < deadline) {
              const n = issued++;
              const r = await one(n);
              latencies.push(r.ms);
              if (r.ok) ok++;
              else failed++;
            }
          }),
        );
        return summarise(concurrency, latencies, ok, failed, (performance.now() - started) / 1000);
      }
      /** A level's figures from its latencies (any order). */
      function levelOf(concurrency: number, latencies: readonly number[], ok: number, failed: number, seconds: number): LevelResult {
        const sorted = [...latencies].sort((a, b) => a - b);
        return {
          concurrency,
          attempted: sorted.length,
          ok,
          failed,
          seconds: round(seconds),
          per_second: round(sorted.length / seconds, 1),
          p50_ms: round(percentile(sorted, 50), 1),
          p95_ms: round(percentile(sorted, 95), 1),
          p99_ms: round(percentile(sorted, 99), 1),
        };
      }
      const summarise = (concurrency: number, latencies: number[], ok: number, failed: number, seconds: number) => ({
        ...levelOf(concurrency, latencies, ok, failed, seconds),
        latencies,
      });
      /** One level's figures over all its rounds. */
      const merge = (concurrency: number, parts: (LevelResult & { latencies: number[] })[]): LevelResult =>
        levelOf(
          concurrency,
          parts.flatMap((p) => p.latencies),
          parts.reduce((n, p) => n + p.ok, 0),
          parts.reduce((n, p) => n + p.failed, 0),
          parts.reduce((n, p) => n + p.seconds, 0),
        );

      // Each level runs in THROUGHPUT_ROUNDS paired rounds — API, then raw, then raw, then API … — so
      // a slow spell of a shared machine falls on both sides; the ratio is the median of the rounds'.
      throughput = [];
      for (const concurrency of LEVELS) {
        console.log(`Booking at concurrency ${concurrency}…`);
        const statuses: Record<string, number> = {};
        const perRound = Math.max(concurrency, Math.ceil(MAX_BOOKINGS_PER_LEVEL / THROUGHPUT_ROUNDS));
        const secondsPerRound = MAX_SECONDS_PER_LEVEL / THROUGHPUT_ROUNDS;
        const apiParts: (LevelResult & { latencies: number[] })[] = [];
        const rawParts: (LevelResult & { latencies: number[] })[] = [];
        const ratios: number[] = [];
        for (let round_ = 0; round_ < THROUGHPUT_ROUNDS; round_++) {
          const runApi = async () => {
            const base = nextWindow;
            const result = await runLevel(concurrency, perRound, secondsPerRound, async (n) => {
              const r = await call('POST', '/appointments', bookingBody(base + n, true));
              statuses[r.status] = (statuses[r.status] ?? 0) + 1;
              return { ok: r.status === 201, ms: r.ms };
            });
            nextWindow += result.attempted;
            return result;
          };
          const orgs = await rawOrganisations(perRound);
          const runRaw = () =>
            runLevel(concurrency, perRound, secondsPerRound, async (n) => {
              const text = template.replaceAll(clinic.orgId, orgs[n]!).replaceAll(probeId, randomUUID());
              const started = performance.now();
              try {
                await rawDb.send(new TransactWriteCommand({ TransactItems: JSON.parse(text) as never, ClientRequestToken: randomUUID() }));
                return { ok: true, ms: performance.now() - started };
              } catch {
                return { ok: false, ms: performance.now() - started };
              }
            });
          const [api, raw] = round_ % 2 === 0 ? [await runApi(), await runRaw()] : await runRaw().then(async (r) => [await runApi(), r] as const);
          apiParts.push(api);
          rawParts.push(raw);
          ratios.push(round(api.per_second / raw.per_second, 3));
        }
        throughput.push({
          api: merge(concurrency, apiParts),
          raw: merge(concurrency, rawParts),
          api_statuses: statuses,
          ratio_api_over_raw: round(median(ratios), 3),
          ratio_rounds: ratios,
        });
      }
    }

    // -----------------------------------------------------------------------------------------
    // 3. DynamoDB calls, stages and units per operation, and their latency (sequential).
    if (runs('operations')) {
      console.log('Counting DynamoDB calls, stages and units per operation…');
      const setupIds: string[] = [];
      for (let i = 0; i < OP_REPEATS * 2 + 1; i++) {
        const r = await call('POST', '/appointments', bookingBody(nextWindow++, false));
        if (r.status !== 201) throw new Error(`setup booking answered ${r.status}: ${JSON.stringify(r.json)}`);
        setupIds.push(r.json.uuid as string);
      }
      const conflictBody = bookingBody(nextWindow - 1, false);
      const ops: { name: string; expect: number; request: (i: number) => [string, string, unknown?] }[] = [
        { name: 'search_patients', expect: 200, request: () => ['GET', '/patients?query=Smith&page=1&page_size=5'] },
        { name: 'list_types', expect: 200, request: () => ['GET', '/appointment-types?is_active=true'] },
        {
          name: 'availability_day',
          expect: 200,
          request: () => ['GET', `/schedule/availability?location_uuid=${clinic.location.uuid}&appointment_type_uuid=${clinic.types.exam.uuid}&date_from=${day(2)}&date_to=${day(2)}`],
        },
        {
          name: 'availability_week',
          expect: 200,
          request: () => ['GET', `/schedule/availability?location_uuid=${clinic.location.uuid}&appointment_type_uuid=${clinic.types.exam.uuid}&date_from=${day(2)}&date_to=${day(8)}`],
        },
        { name: 'book', expect: 201, request: () => ['POST', '/appointments', bookingBody(nextWindow++, false)] },
        { name: 'conflicting_book', expect: 409, request: () => ['POST', '/appointments', conflictBody] },
        {
          name: 'reschedule',
          expect: 200,
          request: (i) => {
            const w = window(nextWindow++);
            return ['PATCH', `/appointments/${setupIds[i]}`, { scheduled_start: w.start, scheduled_end: w.end }];
          },
        },
        { name: 'cancel', expect: 200, request: (i) => ['PATCH', `/appointments/${setupIds[OP_REPEATS + i]}/status`, { status: 'cancelled' }] },
      ];

      for (const op of ops) {
        const t = newTally();
        const latencies: number[] = [];
        const stageCounts: number[] = [];
        const statuses = new Set<number>();
        for (let i = 0; i < OP_REPEATS; i++) {
          const [method, path, body] = op.request(i);
          tally = t;
          const { result: r, count } = await stages.measure(() => call(method, path, body));
          tally = undefined;
          latencies.push(r.ms);
          stageCounts.push(count.stages);
          statuses.add(r.status);
          if (r.status !== op.expect) console.warn(`  ${op.name}: expected ${op.expect}, got ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
        }
        // Per request, the token lookup included (every protected request makes it).
        const calls = Object.fromEntries(Object.entries(t.calls).map(([k, v]) => [k, round(v / OP_REPEATS, 2)]));
        const p50 = median(latencies);
        perOp.push({
          name: op.name,
          status: [...statuses].join('/'),
          calls,
          dynamodb_calls: round(Object.values(t.calls).reduce((a, b) => a + b, 0) / OP_REPEATS, 2),
          stages: median(stageCounts),
          stages_max: Math.max(...stageCounts),
          rru: round(t.rru / OP_REPEATS, 2),
          wru: round(t.wru / OP_REPEATS, 2),
          latency_p50_ms: round(p50, 1),
          // One function per request now (no authorizer): the local round trip approximates its duration.
          function_ms: round(Math.max(1, p50), 1),
        });
      }
    }
    stages.remove();

    // Requests for the cold part: each function's first request, as API Gateway would send it.
    if (runs('cold')) {
      const apiEvent = (route: { method: string; path: string }, params: Record<string, string>, query?: Record<string, string>, body?: unknown): Obj => {
        const path = pathOf(route, params);
        const routeKey = `${route.method} ${route.path}`;
        const now = new Date();
        return {
          version: '2.0',
          routeKey,
          rawPath: path,
          rawQueryString: new URLSearchParams(query ?? {}).toString(),
          headers: { ...auth, accept: 'application/json', host: 'bench.local', 'x-forwarded-proto': 'https', ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(query ? { queryStringParameters: query } : {}),
          pathParameters: params,
          requestContext: {
            accountId: '000000000000',
            apiId: 'bench',
            domainName: 'bench.local',
            domainPrefix: 'bench',
            http: { method: route.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
            requestId: randomUUID(),
            routeKey,
            stage: '$default',
            time: now.toUTCString(),
            timeEpoch: now.getTime(),
          },
          isBase64Encoded: false,
          ...(body ? { body: JSON.stringify(body) } : {}),
        };
      };
      const org = { org_id: clinic.orgId };
      const times = (make: () => Obj) => Array.from({ length: COLD_RUNS }, make);
      coldEvents.set(routes.getSettings.handler, { expect: 200, events: times(() => apiEvent(routes.getSettings, org)) });
      coldEvents.set(routes.listAppointmentTypes.handler, { expect: 200, events: times(() => apiEvent(routes.listAppointmentTypes, org, { is_active: 'true' })) });
      coldEvents.set(routes.searchPatients.handler, { expect: 200, events: times(() => apiEvent(routes.searchPatients, org, { query: 'Smith', page: '1', page_size: '5' })) });
      coldEvents.set(routes.getAvailability.handler, {
        expect: 200,
        events: times(() =>
          apiEvent(routes.getAvailability, org, { location_uuid: clinic.location.uuid, appointment_type_uuid: clinic.types.exam.uuid, date_from: day(2), date_to: day(2) }),
        ),
      });
      coldEvents.set(routes.bookAppointment.handler, { expect: 201, events: times(() => apiEvent(routes.bookAppointment, org, undefined, bookingBody(nextWindow++, false))) });
      coldEvents.set(CLIENT_ONLY, { expect: 200, events: times(() => ({})) });
      for (const name of coldEvents.keys()) if (name !== CLIENT_ONLY && !COLD_FUNCTIONS.includes(name)) throw new Error(`COLD_FUNCTIONS lacks ${name}`);
    }
    await stopServer();
  }

  // -----------------------------------------------------------------------------------------
  // 4. Cold requests: a fresh process imports the bundle and serves its first request.
  if (runs('cold') && dynamo) {
    console.log(`Cold requests of ${coldEvents.size - 1} functions and the client-only bundle (${COLD_RUNS} rounds)…`);
    const coldScript = (outfile: string, event: Obj) => `
const t0 = performance.now();
const m = await import(${JSON.stringify(pathToFileURL(outfile).href)});
const t1 = performance.now();
const context = { awsRequestId: ${JSON.stringify(randomUUID())}, functionName: 'bench', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench', memoryLimitInMB: '512', logGroupName: 'bench', logStreamName: 'bench', callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 10000, done() {}, fail() {}, succeed() {} };
const result = await m.handler(${JSON.stringify(event)}, context);
const t2 = performance.now();
process.stdout.write('@@' + JSON.stringify({ import_ms: t1 - t0, request_ms: t2 - t1, status: result?.statusCode }));
process.exit(0);`;
    const samples = new Map<string, { import_ms: number; request_ms: number; status: number }[]>();
    const coldErrors = new Map<string, string>();
    const coldBuilt = built.filter((b) => coldEvents.has(b.name));
    for (let r = 0; r < COLD_RUNS; r++) {
      for (const b of coldBuilt) {
        const { expect, events } = coldEvents.get(b.name)!;
        const env = childEnv(b.environment, { TABLE_NAME: TABLE, DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: process.env.AWS_REGION ?? 'local' });
        const run = runFresh(coldScript(b.outfile, events[r]!), env);
        if (!run.ok) {
          console.warn(`  cold ${b.name}: ${run.error}`);
          coldErrors.set(b.name, run.error);
          continue;
        }
        const sample = JSON.parse(run.out) as { import_ms: number; request_ms: number; status: number };
        if (sample.status !== expect) console.warn(`  cold ${b.name}: expected ${expect}, got ${sample.status}`);
        samples.set(b.name, [...(samples.get(b.name) ?? []), sample]);
      }
    }
    for (const [name, list] of samples) {
      cold.push({
        function: name,
        status: [...new Set(list.map((s) => s.status))].join('/'),
        import_ms: round(median(list.map((s) => s.import_ms)), 1),
        request_ms: round(median(list.map((s) => s.request_ms)), 1),
        total_ms: round(median(list.map((s) => s.import_ms + s.request_ms)), 1),
        total_vs_client: 0,
      });
    }
    for (const [name, error] of coldErrors) {
      if (!samples.has(name)) cold.push({ function: name, status: 'error', import_ms: NaN, request_ms: NaN, total_ms: NaN, total_vs_client: NaN, error });
    }
    const baseline = cold.find((c) => c.function === CLIENT_ONLY);
    for (const c of cold) c.total_vs_client = baseline ? round(c.total_ms / baseline.total_ms, 2) : NaN;
  }
  await stopAll();

  // -------------------------------------------------------------------------------------------
  // 5. Cost model (warm requests; one function invocation per request).
  const p = PRICES;
  const gb = p.lambda_arm64.memory_mb / 1024;
  function costPerRequest(op: OpResult) {
    const dynamodb = (op.wru * p.dynamodb_on_demand.usd_per_million_wru + op.rru * p.dynamodb_on_demand.usd_per_million_rru) / 1e6;
    const lambdaSeconds = Math.ceil(op.function_ms) / 1000;
    const lambda = lambdaSeconds * gb * p.lambda_arm64.usd_per_gb_second + p.lambda_arm64.usd_per_million_requests / 1e6;
    const httpApi = p.http_api.usd_per_million_requests / 1e6;
    const logs = (p.cloudwatch_logs.assumed_bytes_per_request / 1024 ** 3) * p.cloudwatch_logs.usd_per_gb_ingested;
    return { dynamodb, lambda, http_api: httpApi, logs, total: dynamodb + lambda + httpApi + logs };
  }
  const costs = Object.fromEntries(perOp.map((op) => [op.name, costPerRequest(op)]));
  const per1000 = (name: string) => Object.fromEntries(Object.entries(costs[name]!).map(([k, v]) => [k, round(v * 1000, 5)]));
  const monthly = { dynamodb: 0, lambda: 0, http_api: 0, logs: 0, total: 0 };
  const haveCosts = costs.book !== undefined && Object.keys(rc.other_calls_mix).every((name) => costs[name]);
  if (haveCosts) {
    const addMonthly = (name: string, count: number) => {
      for (const k of Object.keys(monthly) as (keyof typeof monthly)[]) monthly[k] += costs[name]![k] * count;
    };
    addMonthly('book', rc.bookings_per_month);
    for (const [name, share] of Object.entries(rc.other_calls_mix)) addMonthly(name, rc.other_calls_per_month * share);
  }
  const monthlyRounded = Object.fromEntries(Object.entries(monthly).map(([k, v]) => [k, round(v, 4)]));
  let fixed: FixedResult[] = [];
  if (runs('fixed')) {
    console.log('Synthesizing the stages for their fixed monthly cost…');
    fixed = await fixedCosts();
  }
  const customMetrics = await customMetricCount();

  const isBaseline = (name: string) => [CLIENT_ONLY, CLIENT_ONLY_SDK_CHAIN, NO_METRICS, WITH_TRACER].includes(name);
  const dataBundles = bundles.filter((b) => b.table !== 'none' && !isBaseline(b.function));
  const timedData = dataBundles.filter((b) => !b.error);
  const clientBundle = bundles.find((b) => b.function === CLIENT_ONLY);
  const sdkChainBundle = bundles.find((b) => b.function === CLIENT_ONLY_SDK_CHAIN);
  const largest = bundles.filter((b) => !isBaseline(b.function)).sort((a, b) => b.bytes - a.bytes)[0];
  const runtimeSeconds = round((performance.now() - t0) / 1000, 1);
  const result = {
    generated_at: new Date().toISOString(),
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    settings: {
      parts: PARTS.filter(runs),
      levels: LEVELS,
      max_bookings_per_level: MAX_BOOKINGS_PER_LEVEL,
      max_seconds_per_level: MAX_SECONDS_PER_LEVEL,
      op_repeats: OP_REPEATS,
      init_runs: INIT_RUNS,
      cold_runs: COLD_RUNS,
    },
    clinic: { providers: providerCount, operatories: operatoryCount, slot_granularity_minutes: 15, booking_minutes: 60 },
    booking_transaction: txShape,
    throughput,
    operations: perOp,
    units_method:
      'Counted by initialize-step middleware on the shared document client; sizes = JSON length of the marshalled items/keys; reads ceil(size/4KB) (x0.5 eventually consistent, x2 transactional, Query summed over returned items), writes ceil(size/1KB) (x2 transactional, cancelled transactions charged). Per request, the token lookup included. Stages: shared/db/stage-counter.ts (calls sent together share a stage).',
    deployed_node_options: deployedNodeOptions,
    bundles,
    bundle_summary: clientBundle
      ? {
          data_routes_kib: [Math.min(...dataBundles.map((b) => b.kib)), Math.max(...dataBundles.map((b) => b.kib))],
          data_routes_init_vs_client: [Math.min(...timedData.map((b) => b.init_vs_client)), Math.max(...timedData.map((b) => b.init_vs_client))],
          data_routes_init_cpu_vs_client: [Math.min(...timedData.map((b) => b.init_cpu_vs_client)), Math.max(...timedData.map((b) => b.init_cpu_vs_client))],
          largest: largest ? { function: largest.function, kib: largest.kib, kib_over_client: round(largest.kib - clientBundle.kib, 1) } : undefined,
          client_only: { kib: clientBundle.kib, init_ms: clientBundle.init_ms },
          client_only_sdk_chain: sdkChainBundle ? { kib: sdkChainBundle.kib, init_ms: sdkChainBundle.init_ms } : undefined,
          data_routes_init_vs_client_sdk_chain: sdkChainBundle
            ? [round(Math.min(...timedData.map((b) => b.init_ms)) / sdkChainBundle.init_ms, 2), round(Math.max(...timedData.map((b) => b.init_ms)) / sdkChainBundle.init_ms, 2)]
            : undefined,
        }
      : undefined,
    cold,
    prices: { as_of: p.as_of, region: p.region, sources: p.sources },
    cost: haveCosts
      ? {
          assumptions: `Lambda ${p.lambda_arm64.memory_mb} MB arm64, billed ms = the request's local p50 latency, 1 invocation per request (the function verifies its token); HTTP API 1 request; logs ${p.cloudwatch_logs.assumed_bytes_per_request} B/request; warm starts only`,
          usd_per_1000: Object.fromEntries(perOp.map((op) => [op.name, per1000(op.name)])),
          reference_clinic: { ...rc, usd_per_month: monthlyRounded },
        }
      : undefined,
    fixed_monthly_cost: fixed.length > 0 ? { prices_as_of: p.fixed_monthly.as_of, region: p.fixed_monthly.region, stages: fixed } : undefined,
    custom_metrics: { ...customMetrics, usd_per_metric_month: p.fixed_monthly.custom_metric_usd },
    before: BEFORE,
    runtime_seconds: runtimeSeconds,
  };
  writeFileSync(join(OUT_DIR, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);

  // -------------------------------------------------------------------------------------------
  // Tables: each figure beside the README's figure before the cold-path work ("was").
  const B = BEFORE;
  if (throughput.length > 0) {
    console.log(
      `\nBooking throughput (${MAX_BOOKINGS_PER_LEVEL} bookings or ${MAX_SECONDS_PER_LEVEL} s per level and side, in ${THROUGHPUT_ROUNDS} paired API/raw rounds; ` +
        `api/raw is the median of the rounds' ratios, their range beside it; one transaction of ${String(txShape?.items)} items)`,
    );
    console.log(
      table(
        throughput.map((t) => {
          const was = B.throughput.find((b) => b.concurrency === t.api.concurrency);
          return {
            concurrency: t.api.concurrency,
            'api ok/all': `${t.api.ok}/${t.api.attempted}`,
            'api /s': t.api.per_second,
            was: orDash(was?.api_per_second),
            'p50/p95/p99 ms': `${Math.round(t.api.p50_ms)} / ${Math.round(t.api.p95_ms)} / ${Math.round(t.api.p99_ms)}`,
            'was ': was ? `${was.p50_ms} / ${was.p95_ms} / ${was.p99_ms}` : '—',
            'raw ok/all': `${t.raw.ok}/${t.raw.attempted}`,
            'raw /s': t.raw.per_second,
            'was  ': orDash(was?.raw_per_second),
            'api/raw': t.ratio_api_over_raw,
            rounds: `${Math.min(...t.ratio_rounds)}–${Math.max(...t.ratio_rounds)}`,
            'was   ': orDash(was?.ratio_api_over_raw),
          };
        }),
      ),
    );
  }
  if (perOp.length > 0) {
    console.log('\nDynamoDB per request (the token lookup included), sequential stages, request units; "was": README before');
    console.log(
      table(
        perOp.map((o) => {
          const was = B.operations[o.name];
          return {
            operation: o.name,
            status: o.status,
            calls: o.dynamodb_calls,
            was: orDash(was?.calls),
            stages: o.stages_max === o.stages ? o.stages : `${o.stages} (max ${o.stages_max})`,
            'was ': orDash(B.stages[o.name]),
            RRU: o.rru,
            'was  ': orDash(was?.rru),
            WRU: o.wru,
            'was   ': orDash(was?.wru),
            commands: Object.entries(o.calls).map(([k, v]) => `${k}×${v}`).join(' '),
            'p50 ms': o.latency_p50_ms,
            '$/1000': costs[o.name] ? round(costs[o.name]!.total * 1000, 4) : '—',
          };
        }),
      ),
    );
  }
  if (bundles.length > 0 && clientBundle) {
    console.log(`\nBundles (esbuild as the stack: minified ESM, node24) and module init (median of ${INIT_RUNS} fresh processes, node ${process.version}, deployed NODE_OPTIONS ${deployedNodeOptions.map((o) => JSON.stringify(o)).join(', ')})`);
    console.log(
      table(
        [...bundles]
          .sort((a, b) => b.bytes - a.bytes)
          .map((b) => ({
            function: b.function,
            KiB: b.kib,
            'KiB over client': round(b.kib - clientBundle.kib, 1),
            'init ms': b.error ? `failed: ${b.error}` : b.init_ms,
            'x client': b.error ? '—' : b.init_vs_client,
            'init CPU ms': b.error ? '—' : b.init_cpu_ms,
            'x client ': b.error ? '—' : b.init_cpu_vs_client,
            'source map': b.source_map ? 'yes' : 'no',
          })),
      ),
    );
    const s = result.bundle_summary!;
    console.log(
      `Data routes: ${span(dataBundles.map((b) => b.kib))} KiB (was ${B.bundles.data_routes_kib.join('–')}), init ${span(timedData.map((b) => b.init_ms))} ms (was ${B.bundles.data_routes_init_ms.join('–')}), ` +
        `${span(timedData.map((b) => b.init_vs_client), 2)}× the client-only bundle (was ${B.bundles.data_routes_init_vs_client.join('–')}×; ` +
        `in CPU time ${span(timedData.map((b) => b.init_cpu_vs_client), 2)}×). ` +
        `Client only: ${clientBundle.kib} KiB (was ${B.bundles.client_only_kib}) at ${clientBundle.init_ms} ms (was ${B.bundles.client_only_init_ms}); ` +
        (sdkChainBundle
          ? `with the SDK's own credential chain ${sdkChainBundle.kib} KiB at ${sdkChainBundle.init_ms} ms, against which the data routes init at ${s.data_routes_init_vs_client_sdk_chain?.join('–')}×. `
          : '') +
        `Largest: ${s.largest?.function} ${s.largest?.kib} KiB, ${s.largest?.kib_over_client} KiB over the client-only bundle. ` +
        `Authorizer: none (was ${B.bundles.authorizer_kib} KiB at ${B.bundles.authorizer_init_ms} ms, before every request).`,
    );
  }
  if (cold.length > 0) {
    console.log(`\nCold request: a fresh node process imports the bundle and serves its first request against DynamoDB Local (median of ${COLD_RUNS}; the client-only bundle makes one GetItem; not in the README before)`);
    console.log(
      table(
        cold.map((c) => ({
          function: c.function,
          status: c.error ? `failed: ${c.error}` : c.status,
          'import ms': c.import_ms,
          'first request ms': c.request_ms,
          'total ms': c.total_ms,
          'x client': c.total_vs_client,
        })),
      ),
    );
  }
  if (haveCosts) {
    console.log(
      `\nCost (prices as of ${p.as_of}, ${p.region}) per 1,000 bookings: $${round(costs.book!.total * 1000, 4)} (was $${B.cost.usd_per_1000_bookings}) ${JSON.stringify(per1000('book'))}`,
    );
    console.log(
      `Reference clinic (${rc.providers} providers, ${rc.operatories} chairs, ${rc.bookings_per_month} bookings + ${rc.other_calls_per_month} other calls a month): $${round(monthly.total, 4)}/month (was $${B.cost.reference_clinic_usd_per_month}) ${JSON.stringify(monthlyRounded)}`,
    );
  }
  if (bundles.length > 0) {
    const booking = bundles.find((b) => b.function === 'book-appointment');
    const without = bundles.find((b) => b.function === NO_METRICS);
    const traced = bundles.find((b) => b.function === WITH_TRACER);
    if (booking && without && traced) {
      console.log(
        `\nPowertools metrics in book-appointment: +${round(booking.kib - without.kib, 1)} KiB (${without.kib} → ${booking.kib}), init ${without.init_ms} → ${booking.init_ms} ms (CPU ${without.init_cpu_ms} → ${booking.init_cpu_ms} ms). ` +
          `The Powertools tracer on top (not shipped): +${round(traced.kib - booking.kib, 1)} KiB, init ${traced.init_ms} ms (CPU ${traced.init_cpu_ms} ms).`,
      );
    }
  }
  if (fixed.length > 0) {
    console.log(`\nFixed monthly cost while idle (list prices as of ${p.fixed_monthly.as_of}, ${p.fixed_monthly.region}, before free tiers; infra/cost/fixed-cost.ts)`);
    console.log(
      table(
        fixed.flatMap((f) => [
          ...f.cost.lines.map((l) => ({ stage: f.stage, item: l.item, count: l.count, 'each $': l.unit_usd.toFixed(2), '$/month': l.usd.toFixed(2), 'turned off by': l.context ?? '', note: l.note ?? '' })),
          { stage: f.stage, item: 'total', count: '', 'each $': '', '$/month': f.cost.total_usd.toFixed(2), 'turned off by': '', note: '' },
        ]),
      ),
    );
  }
  console.log(
    `Custom metrics (billed only for the hours they receive data, $${p.fixed_monthly.custom_metric_usd} a metric-month): at most ${customMetrics.total} ` +
      `(${customMetrics.per_route} per route, ${customMetrics.problems} problem types, ${customMetrics.stage_wide} stage-wide): $0.00 idle, at most $${round(customMetrics.total * p.fixed_monthly.custom_metric_usd, 2)} a month if every one had data every hour.`,
  );
  console.log(`\nWrote ${join(OUT_DIR, 'latest.json')} — bench took ${runtimeSeconds} s`);
}

main()
  .then(() => stopAll())
  .then(() => sleep(0))
  .catch(async (error: unknown) => {
    console.error('Bench failed:', error);
    await stopAll();
    process.exitCode = 1;
  });
