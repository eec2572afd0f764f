/**
 * `npm start`: the product on one machine.
 *
 *   DynamoDB Local (started here, data kept in .local/dynamodb) -> the table, from the stack's own
 *   definition -> the demo clinic -> the local API Gateway on http://127.0.0.1:$PORT.
 *   Webhooks: the table's stream -> the dispatcher (infra/local/event-stream.ts), retries as timers
 *   (infra/local/local-scheduler.ts); the webhook key in .local/webhook.key; http://127.0.0.1 targets allowed.
 *
 * Flags: `--fresh` drops the local data first. `DYNAMODB_ENDPOINT` uses an existing DynamoDB instead
 * of starting one (and supervises nothing). Ctrl-C, SIGTERM or a crash stops DynamoDB Local too; a
 * DynamoDB Local that exits on its own is started again on the same port and data (one line says
 * so), until it crashes several times in a row — then `npm start` stops with the reason.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import type { EventStream } from './event-stream.ts';
import type { LocalScheduler } from './local-scheduler.ts';
import { nodeVersionNote, quietSdkNodeNotice } from './node-support.ts';

// Before any SDK client exists: its Node version notice asks nothing of us today (node-support.ts).
quietSdkNodeNotice();

const { values: flags } = parseArgs({
  options: { fresh: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
});
if (flags.help) {
  console.log('Usage: npm start [-- --fresh]\n  --fresh   delete local data and start from the demo clinic\nEnvironment: PORT (3000), DYNAMODB_ENDPOINT, LOCAL_STATE_DIR (.local), STOP_WITH_PID');
  process.exit(0);
}

const stateDir = resolve(process.env.LOCAL_STATE_DIR ?? join(import.meta.dirname, '..', '..', '.local'));
const dataDir = join(stateDir, 'dynamodb');
const devFile = join(stateDir, 'dev.json');
const port = Number(process.env.PORT ?? 3000);

let dynamo: DynamoDbLocal | undefined;
let eventStream: EventStream | undefined;
let retries: LocalScheduler | undefined;
let shuttingDown = false;

async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  retries?.stop();
  await eventStream?.stop().catch(() => undefined);
  await dynamo?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
// A test harness that starts `npm start` names its own process: when that process is gone (even
// killed with SIGKILL, when it could not stop us), we stop too, DynamoDB Local with us.
const stopWithPid = Number(process.env.STOP_WITH_PID);
if (Number.isInteger(stopWithPid) && stopWithPid > 0) {
  setInterval(() => {
    try {
      process.kill(stopWithPid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') void shutdown(0);
    }
  }, 1000).unref();
}
process.on('uncaughtException', (error) => {
  console.error('Crashed:', error);
  void shutdown(1);
});
process.on('unhandledRejection', (error) => {
  console.error('Crashed:', error);
  void shutdown(1);
});

async function main() {
  if (flags.fresh) {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(devFile, { force: true });
  }
  mkdirSync(dataDir, { recursive: true });

  if (!process.env.DYNAMODB_ENDPOINT) {
    dynamo = await startDynamoDbLocal({
      dbPath: dataDir,
      supervise: {
        onRestart: (line) => console.error(line),
        onGiveUp: (error) => {
          console.error(error.message);
          void shutdown(1);
        },
      },
    });
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  }
  // The front desk page (/desk), built from its sources at every start: about a second.
  const { buildDesk } = await import('../desk/build.ts');
  process.env.DESK_ASSETS_DIR = join(stateDir, 'desk');
  await buildDesk(process.env.DESK_ASSETS_DIR);

  process.env.TABLE_NAME ||= 'dental-booking-local';
  process.env.AWS_REGION ||= 'local';
  // Webhooks: the key that seals the endpoints' signing secrets, made once and kept (also by
  // --fresh), so the secrets stored by an earlier start still open; and receivers on this machine.
  process.env.WEBHOOK_KEY ||= webhookKey(join(stateDir, 'webhook.key'));
  process.env.WEBHOOKS_ALLOW_LOCAL_HTTP ||= 'true';

  // Modules that read the environment load only now that it is set.
  const { createClient } = await import('#shared/db/client-factory.ts');
  const { ensureTable } = await import('./create-table.ts');
  const { loadDemoClinic, DEMO } = await import('./demo-clinic.ts');
  const { createToken, tokenExists, ALL_SCOPES } = await import('#shared/domain/tokens.ts');
  const { createLocalApi, listen } = await import('./api-gateway.ts');

  const client = createClient(process.env.DYNAMODB_ENDPOINT, process.env.AWS_REGION);
  await ensureTable(client, process.env.TABLE_NAME);
  await loadDemoClinic();

  const previous = existsSync(devFile) ? (JSON.parse(readFileSync(devFile, 'utf8')) as { api_token?: string; org_id?: string }) : {};
  const apiToken =
    previous.api_token && previous.org_id === DEMO.orgId && (await tokenExists(previous.api_token))
      ? previous.api_token
      : (await createToken(DEMO.orgId, { scopes: ALL_SCOPES, label: 'local demo' })).secret;

  const server = createLocalApi();
  const actualPort = await listen(server, port);
  const apiUrl = `http://127.0.0.1:${actualPort}`;

  // Webhooks as in AWS: the table's stream feeds the same dispatcher; retries are timers, re-armed
  // from the table (a retry pending when `npm start` stopped still happens).
  const { dispatchItems, runRetry, pendingRetries } = await import('#shared/webhooks/dispatcher.ts');
  const { localScheduler } = await import('./local-scheduler.ts');
  const { startEventStream } = await import('./event-stream.ts');
  const scheduler = localScheduler({ run: (job) => runRetry(job, deps) });
  const deps = { now: () => new Date(), scheduler, allowLocalHttp: true };
  retries = scheduler;
  eventStream = await startEventStream({
    client,
    endpoint: process.env.DYNAMODB_ENDPOINT,
    region: process.env.AWS_REGION,
    tableName: process.env.TABLE_NAME,
    onItems: (items) => dispatchItems(items, deps),
  });
  await scheduler.rearm(await pendingRetries(PENDING_RETRIES_AT_START));
  writeFileSync(devFile, `${JSON.stringify(
      // dynamodb_endpoint and table_name: for `npm run admin -- <command> --local`.
      { api_url: apiUrl, org_id: DEMO.orgId, api_token: apiToken, dynamodb_endpoint: process.env.DYNAMODB_ENDPOINT, table_name: process.env.TABLE_NAME },
      null,
      2,
    )}\n`);

  // DynamoDB Local has no loopback-only option: it accepts connections on every interface.
  const exposure = dynamo
    ? `\n  Note: DynamoDB Local listens on every network interface (port ${dynamo.port}; it cannot be limited to\n` +
      '  this machine) and asks for no real credentials. On a shared network, block that port with a firewall\n' +
      '  or run npm start on a machine only you can reach; keep real patient data out of it. The API above\n' +
      '  listens on 127.0.0.1 only.'
    : '';
  const nodeNote = nodeVersionNote();
  console.log(`
Dental booking API (local) is running at ${apiUrl}
  DynamoDB:  ${process.env.DYNAMODB_ENDPOINT} (table ${process.env.TABLE_NAME})${exposure}
  org_id:    ${DEMO.orgId}
  api_token: ${apiToken}
  (also in ${devFile})

Try:
  curl -H "Authorization: Bearer ${apiToken}" "${apiUrl}/api/v1/${DEMO.orgId}/appointment-types?is_active=true"
  open ${apiUrl}/docs for the API reference, ${apiUrl}/desk for the front desk (paste the api_token);
  README.md walks through the booking guide.

Ctrl-C stops the API and DynamoDB Local.${nodeNote ? `\n${nodeNote}` : ''}`);
}

/** At most this many pending retries are re-armed at start (bounded work; the rest wait for a later start). */
const PENDING_RETRIES_AT_START = 1000;

/** The local webhook key (base64 of 32 random bytes), from its file, made on first use. */
function webhookKey(file: string): string {
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (Buffer.from(key, 'base64').length === 32) return key;
    throw new Error(`${file} is not a webhook key (base64 of 32 bytes): delete it to make a new one (stored webhook secrets will no longer open)`);
  }
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  void shutdown(1);
});
