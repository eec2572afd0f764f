/**
 * `npm run bench`: throughput, latency, DynamoDB units, bundle sizes, init times and a cost model.
 *
 * Starts its own DynamoDB Local (in memory) and the local API in-process, creates a clinic, then:
 *   1. books at concurrency 1, 8 and 32 through the local HTTP API, and sends the same transaction
 *      (appointment + lock + audit items, same sizes) straight to DynamoDB Local at the same levels;
 *   2. counts DynamoDB calls and request units per operation with an SDK middleware on the shared
 *      document client (units computed from item sizes; DynamoDB Local's ConsumedCapacity is not real);
 *   3. bundles every function like the stack does and times module init in fresh node processes;
 *   4. prices it all from infra/bench/prices.json.
 * Writes .local/bench/latest.json and prints tables. Not part of `npm test`.
 */
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Server } from 'node:http';
import { build } from 'esbuild';
import { marshall } from '@aws-sdk/util-dynamodb';
import { startDynamoDbLocal, type DynamoDbLocal } from '../local/dynamodb-local.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUT_DIR = join(ROOT, '.local', 'bench');
const BUNDLE_DIR = join(OUT_DIR, 'bundles');
const PRICES = JSON.parse(readFileSync(join(import.meta.dirname, 'prices.json'), 'utf8')) as Prices;
const LEVELS = [1, 8, 32];
const MAX_BOOKINGS_PER_LEVEL = Number(process.env.BENCH_BOOKINGS ?? 200);
const MAX_SECONDS_PER_LEVEL = Number(process.env.BENCH_SECONDS ?? 20);
const OP_REPEATS = Number(process.env.BENCH_OP_REPEATS ?? 10);
const INIT_RUNS = 5;

type Prices = {
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

let dynamo: DynamoDbLocal | undefined;
let server: Server | undefined;
let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    if (server) await new Promise<void>((r) => server!.close(() => r()));
    server?.closeAllConnections?.();
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

async function main() {
  const t0 = performance.now();
  mkdirSync(OUT_DIR, { recursive: true });
  console.log('Starting DynamoDB Local (in memory) and the local API…');
  dynamo = await startDynamoDbLocal();
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TABLE_NAME = 'dental-booking-bench';
  process.env.AWS_REGION ||= 'local';
  process.env.LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

  // Modules that read the environment load only now that it is set.
  const { createClient, createDocumentClient } = await import('#shared/db/client-factory.ts');
  const { db } = await import('#shared/db/client.ts');
  const { TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const { ensureTable } = await import('../local/create-table.ts');
  const { createLocalApi, listen } = await import('../local/api-gateway.ts');
  const { createTestClinic, worksAroundTheClock } = await import('../../test/helpers/clinic.ts');
  const { createProvider } = await import('#shared/domain/practice.ts');

  await ensureTable(createClient(dynamo.endpoint, process.env.AWS_REGION), process.env.TABLE_NAME);

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

  const rc = PRICES.reference_clinic;
  const clinic = await createTestClinic({ operatories: rc.operatories });
  const providers = [clinic.dentist, clinic.hygienist];
  while (providers.length < rc.providers) {
    const p = await createProvider(clinic.orgId, { first_name: 'Extra', last_name: `Provider ${providers.length + 1}`, title: 'DDS' });
    await worksAroundTheClock(clinic.orgId, p.uuid, clinic.location.uuid);
    providers.push(p);
  }
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

  // -------------------------------------------------------------------------------------------
  // 1. Throughput: API vs raw TransactWriteItems of the same items.
  console.log('Capturing one booking transaction for the raw comparison…');
  let captured: Obj[] | undefined;
  captureTransaction = (items) => (captured = JSON.parse(JSON.stringify(items)) as Obj[]);
  const probe = await call('POST', '/appointments', bookingBody(nextWindow++, true));
  captureTransaction = undefined;
  if (probe.status !== 201 || !captured) throw new Error(`probe booking answered ${probe.status}: ${JSON.stringify(probe.json)}`);
  const probeId = probe.json.uuid as string;
  const template = JSON.stringify(captured);
  const txShape = {
    items: captured.length,
    puts: captured.filter((i) => i.Put).length,
    item_bytes: captured.map((i) => sizeOf(((i.Put ?? i.Update ?? i.Delete ?? i.ConditionCheck) as Obj).Item ?? (i.Update as Obj | undefined)?.Key)),
  };

  type LevelResult = { concurrency: number; attempted: number; ok: number; failed: number; seconds: number; per_second: number; p50_ms: number; p95_ms: number; p99_ms: number };
  async function runLevel(concurrency: number, one: (n: number) => Promise<{ ok: boolean; ms: number }>): Promise<LevelResult> {
    const latencies: number[] = [];
    let issued = 0;
    let ok = 0;
    let failed = 0;
    const started = performance.now();
    const deadline = started + MAX_SECONDS_PER_LEVEL * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (issued < MAX_BOOKINGS_PER_LEVEL && performance.now() < deadline) {
          const n = issued++;
          const r = await one(n);
          latencies.push(r.ms);
          if (r.ok) ok++;
          else failed++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      concurrency,
      attempted: latencies.length,
      ok,
      failed,
      seconds: round(seconds),
      per_second: round(latencies.length / seconds, 1),
      p50_ms: round(percentile(latencies, 50), 1),
      p95_ms: round(percentile(latencies, 95), 1),
      p99_ms: round(percentile(latencies, 99), 1),
    };
  }

  const throughput: { api: LevelResult; raw: LevelResult; api_statuses: Record<string, number>; ratio_api_over_raw: number }[] = [];
  for (const concurrency of LEVELS) {
    console.log(`Booking at concurrency ${concurrency}…`);
    const statuses: Record<string, number> = {};
    const base = nextWindow;
    const apiResult = await runLevel(concurrency, async (n) => {
      const r = await call('POST', '/appointments', bookingBody(base + n, true));
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      return { ok: r.status === 201, ms: r.ms };
    });
    nextWindow += apiResult.attempted;
    const rawResult = await runLevel(concurrency, async () => {
      const text = template.replaceAll(clinic.orgId, randomUUID()).replaceAll(probeId, randomUUID());
      const started = performance.now();
      try {
        await rawDb.send(new TransactWriteCommand({ TransactItems: JSON.parse(text) as never, ClientRequestToken: randomUUID() }));
        return { ok: true, ms: performance.now() - started };
      } catch {
        return { ok: false, ms: performance.now() - started };
      }
    });
    throughput.push({ api: apiResult, raw: rawResult, api_statuses: statuses, ratio_api_over_raw: round(apiResult.per_second / rawResult.per_second, 3) });
  }

  // -------------------------------------------------------------------------------------------
  // 2. DynamoDB calls and units per operation, and their latency (sequential).
  console.log('Counting DynamoDB calls and units per operation…');
  const setupIds: string[] = [];
  for (let i = 0; i < OP_REPEATS * 3; i++) {
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

  // The authorizer alone, invoked directly, so each function's own duration can be separated.
  const authorizer = (await import(pathToFileURL(join(ROOT, 'functions', 'authorizer.ts')).href)) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
  const authorizerTally = newTally();
  const authorizerMs: number[] = [];
  for (let i = 0; i < OP_REPEATS; i++) {
    tally = authorizerTally;
    const started = performance.now();
    await authorizer.handler(
      {
        version: '2.0',
        type: 'REQUEST',
        routeKey: 'GET /api/v1/{org_uuid}/appointment-types',
        rawPath: `/api/v1/${clinic.orgId}/appointment-types`,
        rawQueryString: '',
        headers: { authorization: auth.authorization },
        identitySource: [auth.authorization],
        pathParameters: { org_uuid: clinic.orgId },
        requestContext: { requestId: randomUUID(), http: { method: 'GET', path: `/api/v1/${clinic.orgId}/appointment-types` } },
      },
      { awsRequestId: randomUUID(), functionName: 'authorizer', getRemainingTimeInMillis: () => 10_000 },
    );
    authorizerMs.push(performance.now() - started);
    tally = undefined;
  }
  const authorizerMedian = median(authorizerMs);

  type OpResult = { name: string; status: string; calls: Record<string, number>; dynamodb_calls: number; rru: number; wru: number; latency_p50_ms: number; function_ms: number };
  const perOp: OpResult[] = [];
  for (const op of ops) {
    const t = newTally();
    const latencies: number[] = [];
    const statuses = new Set<number>();
    for (let i = 0; i < OP_REPEATS; i++) {
      const [method, path, body] = op.request(i);
      tally = t;
      const r = await call(method, path, body);
      tally = undefined;
      latencies.push(r.ms);
      statuses.add(r.status);
      if (r.status !== op.expect) console.warn(`  ${op.name}: expected ${op.expect}, got ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
    }
    // Per request, including the authorizer's own calls (every protected request runs it).
    const calls = Object.fromEntries(Object.entries(t.calls).map(([k, v]) => [k, round(v / OP_REPEATS, 2)]));
    const p50 = median(latencies);
    perOp.push({
      name: op.name,
      status: [...statuses].join('/'),
      calls,
      dynamodb_calls: round(Object.values(t.calls).reduce((a, b) => a + b, 0) / OP_REPEATS, 2),
      rru: round(t.rru / OP_REPEATS, 2),
      wru: round(t.wru / OP_REPEATS, 2),
      latency_p50_ms: round(p50, 1),
      function_ms: round(Math.max(1, p50 - authorizerMedian), 1),
    });
  }
  const authorizerCalls = Object.fromEntries(Object.entries(authorizerTally.calls).map(([k, v]) => [k, round(v / OP_REPEATS, 2)]));

  await stopAll();
  console.log('Stopped DynamoDB Local and the API. Bundling functions…');

  // -------------------------------------------------------------------------------------------
  // 3. Bundles and init time.
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const entries = [
    ...readdirSync(join(ROOT, 'functions'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => ({ name: f.replace(/\.ts$/, ''), file: join(ROOT, 'functions', f) })),
    { name: '(client only)', file: join(import.meta.dirname, 'client-only.ts') },
  ];
  const initEnv: NodeJS.ProcessEnv = { ...process.env, TABLE_NAME: 'bench', AWS_REGION: 'us-east-1', LOG_LEVEL: 'SILENT', NODE_OPTIONS: '' };
  delete initEnv.DYNAMODB_ENDPOINT;
  const bundles: { function: string; bytes: number; kib: number; init_ms: number; init_vs_client: number }[] = [];
  const built: { name: string; outfile: string; runs: number[] }[] = [];
  for (const entry of entries) {
    const outfile = join(BUNDLE_DIR, `${entry.name.replace(/[^a-z0-9-]/g, '_')}.mjs`);
    await build({
      entryPoints: [entry.file],
      outfile,
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      mainFields: ['module', 'main'],
      banner: { js: "import { createRequire as topLevelCreateRequire } from 'module';const require = topLevelCreateRequire(import.meta.url);" },
      logLevel: 'error',
    });
    built.push({ name: entry.name, outfile, runs: [] });
  }
  console.log(`Timing module init of ${built.length} bundles (${INIT_RUNS} rounds, round-robin)…`);
  const initOnce = (outfile: string) => {
    const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(outfile).href)}); process.stdout.write(String(performance.now() - t));`;
    return Number(execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { env: initEnv, encoding: 'utf8' }));
  };
  // Round-robin, so background load spreads over every bundle; the baseline runs three times a round.
  for (let round = 0; round < INIT_RUNS; round++) {
    for (const b of built) {
      const times = b.name === '(client only)' ? 3 : 1;
      for (let i = 0; i < times; i++) b.runs.push(initOnce(b.outfile));
    }
  }
  for (const b of built) {
    const bytes = statSync(b.outfile).size;
    bundles.push({ function: b.name, bytes, kib: round(bytes / 1024, 1), init_ms: round(median(b.runs), 1), init_vs_client: 0 });
  }
  const baseline = bundles.find((b) => b.function === '(client only)')!;
  for (const b of bundles) b.init_vs_client = round(b.init_ms / baseline.init_ms, 2);

  // -------------------------------------------------------------------------------------------
  // 4. Cost model.
  const p = PRICES;
  const gb = p.lambda_arm64.memory_mb / 1024;
  function costPerRequest(op: OpResult) {
    const dynamodb = (op.wru * p.dynamodb_on_demand.usd_per_million_wru + op.rru * p.dynamodb_on_demand.usd_per_million_rru) / 1e6;
    const lambdaSeconds = (Math.ceil(op.function_ms) + Math.ceil(authorizerMedian)) / 1000;
    const lambda = lambdaSeconds * gb * p.lambda_arm64.usd_per_gb_second + (2 * p.lambda_arm64.usd_per_million_requests) / 1e6;
    const httpApi = p.http_api.usd_per_million_requests / 1e6;
    const logs = (p.cloudwatch_logs.assumed_bytes_per_request / 1024 ** 3) * p.cloudwatch_logs.usd_per_gb_ingested;
    return { dynamodb, lambda, http_api: httpApi, logs, total: dynamodb + lambda + httpApi + logs };
  }
  const costs = Object.fromEntries(perOp.map((op) => [op.name, costPerRequest(op)]));
  const per1000 = (name: string) => Object.fromEntries(Object.entries(costs[name]!).map(([k, v]) => [k, round(v * 1000, 5)]));
  const monthly = { dynamodb: 0, lambda: 0, http_api: 0, logs: 0, total: 0 };
  const addMonthly = (name: string, count: number) => {
    for (const k of Object.keys(monthly) as (keyof typeof monthly)[]) monthly[k] += costs[name]![k] * count;
  };
  addMonthly('book', rc.bookings_per_month);
  for (const [name, share] of Object.entries(rc.other_calls_mix)) addMonthly(name, rc.other_calls_per_month * share);
  const monthlyRounded = Object.fromEntries(Object.entries(monthly).map(([k, v]) => [k, round(v, 4)]));

  const runtimeSeconds = round((performance.now() - t0) / 1000, 1);
  const result = {
    generated_at: new Date().toISOString(),
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    settings: { levels: LEVELS, max_bookings_per_level: MAX_BOOKINGS_PER_LEVEL, max_seconds_per_level: MAX_SECONDS_PER_LEVEL, op_repeats: OP_REPEATS, init_runs: INIT_RUNS },
    clinic: { providers: providers.length, operatories: clinic.operatories.length, slot_granularity_minutes: 15, booking_minutes: 60 },
    booking_transaction: txShape,
    throughput,
    authorizer: { median_ms: round(authorizerMedian, 1), calls: authorizerCalls, rru: round(authorizerTally.rru / OP_REPEATS, 2), wru: round(authorizerTally.wru / OP_REPEATS, 2) },
    operations: perOp,
    units_method:
      'Counted by an initialize-step middleware on the shared document client; sizes = JSON length of the marshalled items/keys; reads ceil(size/4KB) (x0.5 eventually consistent, x2 transactional, Query summed over returned items), writes ceil(size/1KB) (x2 transactional, cancelled transactions charged). Per request, authorizer included.',
    bundles,
    prices: { as_of: p.as_of, region: p.region, sources: p.sources },
    cost: {
      assumptions: `Lambda ${p.lambda_arm64.memory_mb} MB arm64, billed ms = function ms (client p50 minus authorizer median) + authorizer median, 2 invocations per request; HTTP API 1 request; logs ${p.cloudwatch_logs.assumed_bytes_per_request} B/request; warm starts only`,
      usd_per_1000: Object.fromEntries(perOp.map((op) => [op.name, per1000(op.name)])),
      reference_clinic: { ...rc, usd_per_month: monthlyRounded },
    },
    runtime_seconds: runtimeSeconds,
  };
  writeFileSync(join(OUT_DIR, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);

  // -------------------------------------------------------------------------------------------
  console.log(`\nBooking throughput (${MAX_BOOKINGS_PER_LEVEL} bookings or ${MAX_SECONDS_PER_LEVEL} s per level; one transaction of ${txShape.items} items)`);
  console.log(
    table(
      throughput.map((t) => ({
        concurrency: t.api.concurrency,
        'api ok/all': `${t.api.ok}/${t.api.attempted}`,
        'api /s': t.api.per_second,
        'api p50': t.api.p50_ms,
        'api p95': t.api.p95_ms,
        'api p99': t.api.p99_ms,
        'raw ok/all': `${t.raw.ok}/${t.raw.attempted}`,
        'raw /s': t.raw.per_second,
        'raw p50': t.raw.p50_ms,
        'raw p95': t.raw.p95_ms,
        'raw p99': t.raw.p99_ms,
        'api/raw': t.ratio_api_over_raw,
      })),
    ),
  );
  console.log(`\nDynamoDB per request (authorizer included: ${JSON.stringify(authorizerCalls)}, ${result.authorizer.rru} RRU; authorizer ${result.authorizer.median_ms} ms)`);
  console.log(
    table(
      perOp.map((o) => ({
        operation: o.name,
        status: o.status,
        calls: o.dynamodb_calls,
        commands: Object.entries(o.calls).map(([k, v]) => `${k}×${v}`).join(' '),
        RRU: o.rru,
        WRU: o.wru,
        'p50 ms': o.latency_p50_ms,
        '$/1000': round(costs[o.name]!.total * 1000, 4),
      })),
    ),
  );
  console.log(`\nBundles (esbuild, minified ESM, node24) and module init (median of ${INIT_RUNS} fresh processes, node ${process.version})`);
  console.log(table([...bundles].sort((a, b) => b.bytes - a.bytes).map((b) => ({ function: b.function, KiB: b.kib, 'init ms': b.init_ms, 'x client': b.init_vs_client }))));
  console.log(`\nCost (prices as of ${p.as_of}, ${p.region}) per 1,000 bookings: $${round(costs.book!.total * 1000, 4)} ${JSON.stringify(per1000('book'))}`);
  console.log(`Reference clinic (${rc.providers} providers, ${rc.operatories} chairs, ${rc.bookings_per_month} bookings + ${rc.other_calls_per_month} other calls a month): $${round(monthly.total, 4)}/month ${JSON.stringify(monthlyRounded)}`);
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
