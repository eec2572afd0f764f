/**
 * DynamoDB down, cut off or throttling — for the authorizer's token lookup and for the routes' own
 * calls: every request answers 503 problem+json with Retry-After within the functions' 10 s timeout,
 * never a 500, a 401 or a hang, and answers normally again once DynamoDB is back.
 *
 * "Unreachable" is real network failure: a middleware inside the SDK's retry loop sends chosen calls
 * to a closed port, to a server that cuts every connection, to one that never answers, or to one that
 * answers an HTML 503 (a load balancer's page) — so the SDK's own timeouts, retries and error parsing
 * are what is tested. Throttling and 5xx use the fault injection of test/helpers/faults.ts.
 *
 * The endpoint that never answers is not waited out at AWS's 2 s per attempt: each attempt sent to it
 * gets a shorter per-request timeout (SILENT_ATTEMPT_MS, a handler option of the SDK's own HTTP
 * handler), so the SDK's real attempts, back-off and TimeoutError still happen, only sooner. What the
 * same request would take in AWS is then computed from what was measured (`inAws`), and the clients'
 * configured timeouts are read back and added up against the budgets. Calls that reach DynamoDB
 * Local keep the client's own, patient timeouts.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { FinalizeHandler, FinalizeHandlerArguments, HandlerExecutionContext, HttpHandlerOptions, HttpRequest, MetadataBearer } from '@smithy/types';
import { db } from '#shared/db/client.ts';
import { AWS_TIMEOUTS, LOCAL_TIMEOUTS, createDocumentClient } from '#shared/db/client-factory.ts';
import { isRetryableDbError } from '#shared/db/errors.ts';
import { ALL_SCOPES, createToken, revokeToken } from '#shared/domain/tokens.ts';
import { freePort } from '../../infra/local/dynamodb-local.ts';
import type { TestClinic } from '../helpers/clinic.ts';
import { useClinic, type Client } from '../helpers/use-clinic.ts';
import { injectFaults, type FaultKind } from '../helpers/faults.ts';
import { providerLocks } from '../helpers/table.ts';

/** The functions' Lambda timeout (infra/booking-stack.ts): every answer must come before it. */
const LAMBDA_TIMEOUT_MS = 10_000;

/**
 * How long one attempt sent to the `silent` endpoint lasts here, instead of the client's requestMs.
 * Only those attempts are shortened: nothing but a timer ends them, so a loaded machine only makes
 * them longer, never a real call fail.
 */
const SILENT_ATTEMPT_MS = 250;

type Call = { command: string; body: string };
type Endpoint = { url: URL; close: () => Promise<void> };
const KINDS = ['refused', 'reset', 'silent', 'html-503'] as const;
type Kind = (typeof KINDS)[number];

const fixture = useClinic();
let clinic: TestClinic;
let http: Client;
let base: string;
const endpoints = new Map<Kind, Endpoint>();
let cleanup: (() => void) | undefined;

/** A TCP server that does `onData` with each connection's first bytes. */
async function fakeServer(onData: (socket: Socket) => void): Promise<Endpoint> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => onData(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    url: new URL(`http://127.0.0.1:${address.port}`),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function startEndpoints() {
  // Nothing listens on a port just handed out and closed again.
  const closed = await freePort();
  endpoints.set('refused', { url: new URL(`http://127.0.0.1:${closed}`), close: async () => undefined });
  endpoints.set('reset', await fakeServer((socket) => socket.destroy()));
  endpoints.set('silent', await fakeServer(() => undefined));
  const page = '<html><body>503 Service Temporarily Unavailable</body></html>';
  endpoints.set(
    'html-503',
    await fakeServer((socket) => socket.end(`HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/html\r\ncontent-length: ${page.length}\r\nconnection: close\r\n\r\n${page}`)),
  );
}

let counter = 0;

/** The serialized JSON request (the SDK holds it as a string or as bytes). */
const bodyText = (body: unknown) => (typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : '');

/**
 * Sends the calls `which` picks to `kind`'s endpoint instead of DynamoDB. The middleware sits inside
 * the SDK's retry loop (finalizeRequest, low), so every attempt goes there. Counts what it saw.
 */
function breakCalls(kind: Kind, which: (call: Call) => boolean) {
  const target = endpoints.get(kind)!.url;
  const seen = { broken: 0, passed: [] as string[] };
  const name = `unavailable-${++counter}`;
  db.middlewareStack.add(
    (next: FinalizeHandler<object, MetadataBearer>, context: HandlerExecutionContext) => async (args: FinalizeHandlerArguments<object>) => {
      const request = args.request as { hostname: string; port?: number; body?: unknown };
      const call = { command: context.commandName ?? '', body: bodyText(request.body) };
      if (which(call)) {
        seen.broken++;
        request.hostname = target.hostname;
        request.port = Number(target.port);
      } else {
        seen.passed.push(call.command);
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name, override: true },
  );
  cleanup = () => db.middlewareStack.remove(name);
  return seen;
}

/** Throws `error` for the calls `which` picks, before they are sent. */
function failCalls(which: (call: Call) => boolean, error: () => Error) {
  const name = `unavailable-${++counter}`;
  db.middlewareStack.add(
    (next: FinalizeHandler<object, MetadataBearer>, context: HandlerExecutionContext) => async (args: FinalizeHandlerArguments<object>) => {
      const request = args.request as { body?: unknown };
      if (which({ command: context.commandName ?? '', body: bodyText(request.body) })) throw error();
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name, override: true },
  );
  cleanup = () => db.middlewareStack.remove(name);
}

/** The authorizer's GetItem of a token item (keyed by the secret's SHA-256). */
const isTokenLookup = (call: Call) => call.command === 'GetItemCommand' && /"S":"TOKEN#[0-9a-f]{64}"/.test(call.body);
const everythingButTheTokenLookup = (call: Call) => !isTokenLookup(call);

function expectUnavailable(res: { status: number; headers: Headers; body: any }, detail: RegExp) {
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(res.body).toMatchObject({ status: 503, type: expect.stringContaining('unavailable'), detail: expect.stringMatching(detail) });
}

/** Runs `request` and says how long it took. */
async function timed<T>(request: () => Promise<T>): Promise<{ res: T; ms: number }> {
  const started = Date.now();
  const res = await request();
  return { res, ms: Date.now() - started };
}

/** A weekday some weeks ahead, inside the booking horizon. */
const day = (weeks: number) => DateTime.now().setZone('America/Los_Angeles').plus({ weeks }).set({ weekday: 3 }).toISODate()!;

/** One HTTP attempt the SDK sent to the silent endpoint: when it began and ended (performance.now()), and how. */
type Attempt = { start: number; end: number; error?: string };
type Handler = { handle: (request: HttpRequest, options?: HttpHandlerOptions) => Promise<unknown>; httpHandlerConfigs: () => Record<string, unknown> };

/**
 * Gives every attempt `client` sends to the silent endpoint a per-request timeout of
 * SILENT_ATTEMPT_MS (an option the SDK's node-http-handler takes per request, ending the attempt as
 * its configured requestTimeout would), and records it. Other requests pass unchanged.
 */
function shortenSilentAttempts(client: { config: { requestHandler: unknown } }): { attempts: Attempt[]; restore: () => void } {
  const handler = client.config.requestHandler as Handler;
  const original = handler.handle;
  const silent = endpoints.get('silent')!.url;
  const attempts: Attempt[] = [];
  handler.handle = async function (this: Handler, request, options) {
    if (request.hostname !== silent.hostname || request.port !== Number(silent.port)) return original.call(this, request, options);
    const attempt: Attempt = { start: performance.now(), end: NaN };
    attempts.push(attempt);
    try {
      return await original.call(this, request, { ...options, requestTimeout: SILENT_ATTEMPT_MS });
    } catch (error) {
      attempt.error = (error as Error).name;
      throw error;
    } finally {
      attempt.end = performance.now();
    }
  };
  return { attempts, restore: () => void (handler.handle = original) };
}

/**
 * How long a request that took `ms` here, with `attempts` sent to the silent endpoint, would take
 * with AWS's timeouts: every attempt that had to wait for the one before it (the longest chain of
 * attempts that do not overlap) lasts AWS's requestMs instead of SILENT_ATTEMPT_MS; all the rest —
 * DynamoDB Local, the SDK's back-off, the route — is counted as measured.
 */
function inAws(ms: number, attempts: Attempt[]): number {
  // The shared client has DynamoDB Local's attempts; AWS's are as many, so the chain is the same.
  expect(AWS_TIMEOUTS.maxAttempts).toBe(LOCAL_TIMEOUTS.maxAttempts);
  let chain = 0;
  let free = -Infinity;
  for (const attempt of [...attempts].sort((a, b) => a.end - b.end)) {
    if (attempt.start >= free) {
      chain++;
      free = attempt.end;
    }
  }
  return ms + chain * (AWS_TIMEOUTS.requestMs - SILENT_ATTEMPT_MS);
}

/**
 * Runs `request`; for `silent`, with its attempts shortened and recorded. Says how long it took, and
 * how long it would take in AWS (the same for the endpoints that fail fast whatever the timeouts).
 */
async function send<T>(kind: Kind, request: () => Promise<T>): Promise<{ res: T; ms: number; awsMs: number; attempts: Attempt[] }> {
  const shortened = kind === 'silent' ? shortenSilentAttempts(db) : undefined;
  try {
    const { res, ms } = await timed(request);
    const attempts = shortened?.attempts ?? [];
    return { res, ms, awsMs: shortened ? inAws(ms, attempts) : ms, attempts };
  } finally {
    shortened?.restore();
  }
}

/** Every attempt the SDK sent to the silent endpoint (each one the calls counted as broken) ended by its timeout. */
function expectTimedOut(kind: Kind, attempts: Attempt[], broken: number) {
  expect(attempts).toHaveLength(kind === 'silent' ? broken : 0);
  expect(attempts.filter((a) => a.error !== 'TimeoutError')).toEqual([]);
}

const TOKEN_DETAIL = /token could not be checked/;
const DATA_DETAIL = /database is busy or unreachable/;

beforeAll(async () => {
  ({ clinic, http, base } = fixture);
  await startEndpoints();
});
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});
afterAll(async () => {
  for (const endpoint of endpoints.values()) await endpoint.close();
});

describe('the token lookup cannot reach DynamoDB', () => {
  it.each(KINDS)('%s: 503 with Retry-After in time, nothing written, and the next request after recovery is 200', async (kind) => {
    const seen = breakCalls(kind, isTokenLookup);
    const { res, awsMs, attempts } = await send(kind, () => http.get(`${base}/appointment-types`));
    expectUnavailable(res, TOKEN_DETAIL);
    expect(awsMs).toBeLessThan(LAMBDA_TIMEOUT_MS);
    expect(seen.broken).toBeGreaterThan(0);
    expectTimedOut(kind, attempts, seen.broken);
    // The route's first read may travel with the lookup (request-gate.ts), but nothing is written.
    expect(seen.passed.filter((c) => /Write|Put|Update|Delete/.test(c))).toEqual([]);
    cleanup?.();
    expect((await http.get(`${base}/appointment-types`)).status).toBe(200);
  }, 60_000);

  it.each(['throttling', 'provisioned-throughput', 'timeout', 'internal-server-error'] as FaultKind[])('%s on every attempt: 503 with Retry-After', async (fault) => {
    const faults = injectFaults(db, [{ command: 'GetItemCommand', fault }]);
    cleanup = faults.remove;
    const { res, ms } = await timed(() => http.get(`${base}/appointment-types`));
    expectUnavailable(res, TOKEN_DETAIL);
    expect(ms).toBeLessThan(LAMBDA_TIMEOUT_MS);
    expect(faults.injected).toBeGreaterThan(0);
    expect(Object.keys(faults.seen).filter((c) => /Write|Put|Update|Delete/.test(c))).toEqual([]);
  });

  it('fails for another reason: a problem+json 500, not a 401 and not a bare 500', async () => {
    failCalls(isTokenLookup, () =>
      Object.assign(new Error('Requested resource not found (injected).'), { name: 'ResourceNotFoundException', $fault: 'client', $metadata: { httpStatusCode: 400 } }),
    );
    const res = await http.get(`${base}/appointment-types`);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 500, type: expect.stringContaining('internal'), detail: expect.stringMatching(TOKEN_DETAIL) });
  });

});

describe('the token lookup', () => {
  it('reads strongly consistently, so a revoked token fails on its very next request', async () => {
    const { token_id, secret } = await createToken(clinic.orgId, { scopes: ALL_SCOPES, label: 'to revoke' });
    const lookups: string[] = [];
    // Observes (sends nowhere else): the token lookups' request bodies.
    breakCalls('refused', (call) => {
      if (isTokenLookup(call)) lookups.push(call.body);
      return false;
    });
    expect((await http.get(`${base}/appointment-types`, { token: secret })).status).toBe(200);
    expect(lookups).toHaveLength(1);
    expect(JSON.parse(lookups[0]!)).toMatchObject({ ConsistentRead: true });
    await revokeToken(clinic.orgId, token_id);
    const res = await http.get(`${base}/appointment-types`, { token: secret });
    expect(res.status).toBe(401);
  });
});

describe('a route cannot reach DynamoDB (the token lookup can)', () => {
  let appointmentId: string;
  beforeAll(async () => {
    const res = await http.post(`${base}/appointments`, {
      patient_uuid: clinic.patients.jane.uuid,
      appointment_type_uuid: clinic.types.exam.uuid,
      location_uuid: clinic.location.uuid,
      provider_uuid: clinic.dentist.uuid,
      scheduled_start: `${day(6)}T09:00:00`,
      scheduled_end: `${day(6)}T10:00:00`,
    });
    expect(res.status).toBe(201);
    appointmentId = res.body.uuid;
  });

  it.each(KINDS)('read, %s: GET an appointment is 503 with Retry-After in time, and 200 again after', async (kind) => {
    const seen = breakCalls(kind, everythingButTheTokenLookup);
    const { res, awsMs, attempts } = await send(kind, () => http.get(`${base}/appointments/${appointmentId}`));
    expectUnavailable(res, DATA_DETAIL);
    expect(awsMs).toBeLessThan(LAMBDA_TIMEOUT_MS);
    expect(seen.broken).toBeGreaterThan(0);
    expectTimedOut(kind, attempts, seen.broken);
    cleanup?.();
    expect((await http.get(`${base}/appointments/${appointmentId}`)).status).toBe(200);
  }, 60_000);

  it('read, throttled: searching patients is 503 with Retry-After', async () => {
    const faults = injectFaults(db, [{ command: 'QueryCommand', fault: 'throttling' }]);
    cleanup = faults.remove;
    const res = await http.get(`${base}/patients?query=smith`);
    expectUnavailable(res, DATA_DETAIL);
    expect(faults.injected).toBeGreaterThan(0);
  });

  it.each(['refused', 'reset', 'html-503'] as Kind[])('write, %s: creating a location is 503, and nothing is created', async (kind) => {
    const name = `Unreachable ${kind}`;
    breakCalls(kind, everythingButTheTokenLookup);
    const res = await http.post(`${base}/locations`, { name, time_zone: 'America/Los_Angeles' });
    expectUnavailable(res, DATA_DETAIL);
    cleanup?.();
    const list = await http.get(`${base}/locations`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((l: { name: string }) => l.name)).not.toContain(name);
  });

  it('write, the booking transaction refused: 503, and no slot is locked', async () => {
    const seen = breakCalls('refused', (call) => call.command === 'TransactWriteItemsCommand');
    const res = await http.post(`${base}/appointments`, {
      patient_uuid: clinic.patients.jonathan.uuid,
      appointment_type_uuid: clinic.types.exam.uuid,
      location_uuid: clinic.location.uuid,
      provider_uuid: clinic.hygienist.uuid,
      scheduled_start: `${day(7)}T09:00:00`,
      scheduled_end: `${day(7)}T10:00:00`,
    });
    expectUnavailable(res, DATA_DETAIL);
    expect(seen.broken).toBeGreaterThan(0);
    cleanup?.();
    expect(await providerLocks(clinic.orgId, clinic.hygienist.uuid)).toEqual([]);
  });

  it('write, the booking transaction never answered: 503 within the Lambda timeout, and no slot is locked', async () => {
    const seen = breakCalls('silent', (call) => call.command === 'TransactWriteItemsCommand');
    const { res, awsMs, attempts } = await send('silent', () =>
      http.post(`${base}/appointments`, {
        patient_uuid: clinic.patients.jonathan.uuid,
        appointment_type_uuid: clinic.types.exam.uuid,
        location_uuid: clinic.location.uuid,
        provider_uuid: clinic.hygienist.uuid,
        scheduled_start: `${day(8)}T09:00:00`,
        scheduled_end: `${day(8)}T10:00:00`,
      }),
    );
    expectUnavailable(res, DATA_DETAIL);
    expect(seen.broken).toBeGreaterThan(0);
    expectTimedOut('silent', attempts, seen.broken);
    expect(awsMs, 'every retry of the transaction together must end before the function times out').toBeLessThan(LAMBDA_TIMEOUT_MS);
    cleanup?.();
    expect(await providerLocks(clinic.orgId, clinic.hygienist.uuid)).toEqual([]);
  }, 60_000);

  it('write, a transaction cancelled only by throttling: creating a patient is 503 with Retry-After, not 500', async () => {
    failCalls(
      (call) => call.command === 'TransactWriteItemsCommand',
      () =>
        new TransactionCanceledException({
          message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ThrottlingError, None] (injected).',
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: [{ Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity for one or more global secondary indexes' }, { Code: 'None' }],
        }),
    );
    const res = await http.post(`${base}/patients`, { first_name: 'Throttled', last_name: 'Cancellation', date_of_birth: '1990-01-01' });
    expectUnavailable(res, DATA_DETAIL);
  });
});

describe('one call to an endpoint that never answers', () => {
  it.each([
    ['in AWS', AWS_TIMEOUTS, LAMBDA_TIMEOUT_MS],
    ['against DynamoDB Local (the default for an endpoint)', undefined, 20_000],
  ] as const)('%s: fails as retryable after its attempts, within its budget', async (_where, timeouts, budgetMs) => {
    const effective = timeouts ?? LOCAL_TIMEOUTS;
    const silent = createDocumentClient(endpoints.get('silent')!.url.href, 'local', timeouts);
    const { attempts, restore } = shortenSilentAttempts(silent);
    try {
      const started = performance.now();
      const error = await silent.send(new GetCommand({ TableName: 'any', Key: { pk: 'a', sk: 'b' } })).then(
        () => undefined,
        (e: unknown) => e as Error & { $metadata?: { attempts?: number } },
      );
      const ms = performance.now() - started;
      expect(error?.name).toBe('TimeoutError');
      expect(isRetryableDbError(error)).toBe(true);
      expect(error?.$metadata?.attempts).toBe(effective.maxAttempts);

      // The SDK really made its attempts, one after the other, each ended by its request timeout
      // (here SILENT_ATTEMPT_MS; the timer allows a millisecond of rounding).
      expect(attempts).toHaveLength(effective.maxAttempts);
      for (const attempt of attempts) {
        expect(attempt.error).toBe('TimeoutError');
        expect(attempt.end - attempt.start).toBeGreaterThanOrEqual(SILENT_ATTEMPT_MS - 1);
      }
      expect(ms).toBeGreaterThanOrEqual(effective.maxAttempts * (SILENT_ATTEMPT_MS - 1));
      // Its back-off between attempts, as measured (with whatever delay this machine adds).
      const backOffMs = attempts.slice(1).reduce((sum, attempt, i) => sum + (attempt.start - attempts[i]!.end), 0);

      // The client was made with these timeouts: each attempt ends at requestMs (throwOnRequestTimeout,
      // or it only warns), a connection at connectionMs, a stalled body at requestMs.
      expect(await silent.config.maxAttempts()).toBe(effective.maxAttempts);
      expect((silent.config.requestHandler as Handler).httpHandlerConfigs()).toMatchObject({
        connectionTimeout: effective.connectionMs,
        requestTimeout: effective.requestMs,
        socketTimeout: effective.requestMs,
        throwOnRequestTimeout: true,
      });
      // So with them, the same call fails within its budget: every attempt at requestMs, plus the back-off.
      expect(effective.maxAttempts * effective.requestMs + backOffMs).toBeLessThan(budgetMs);
    } finally {
      restore();
      silent.destroy();
    }
  });
});
