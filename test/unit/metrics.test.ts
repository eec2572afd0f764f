/**
 * The embedded-metric-format lines the functions print (shared/observability/metrics.ts): which
 * metrics, under which dimensions, from which requests — read back from what Powertools writes to
 * stdout, as CloudWatch would read it. And the rule that matters most: no dimension ever carries an
 * id from a request (a patient's, an appointment's, an organisation's).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { PROBLEM_TYPES, problemTypeUri } from '#shared/errors.ts';
import type { ApiEvent, ApiResult } from '#shared/http/middleware.ts';
import { DIMENSION, METRIC, METRIC_SERVICE, OTHER_PROBLEM, functionMetrics, metricNamespace, recordWebhookAttempt, requestOutcome } from '#shared/observability/metrics.ts';
import { routeList, routes } from '#shared/routes.ts';

type Emf = { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> } } & Record<string, unknown>;

const NAMESPACE = metricNamespace('unit');
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

let lines: Emf[] = [];
const saved = { ...process.env };

/** Every EMF document printed (Powertools writes through a Console on process.stdout, or console.log in dev mode). */
function capture() {
  lines = [];
  const grab = (text: unknown) => {
    for (const line of String(text).split('\n')) {
      if (line.includes('"_aws"')) lines.push(JSON.parse(line) as Emf);
    }
  };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    grab(chunk);
    return true;
  });
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => grab(args.join(' ')));
}

beforeEach(() => {
  process.env.POWERTOOLS_METRICS_NAMESPACE = NAMESPACE;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_DEV;
  capture();
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const key of ['POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_METRICS_DISABLED', 'POWERTOOLS_DEV', 'TABLE_NAME']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

/**
 * A fresh Metrics, as a new function instance has: its first request is a cold start (Powertools
 * counts one only where Lambda says the instance was initialized on demand).
 */
function fresh() {
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
  try {
    return new Metrics({ namespace: NAMESPACE, serviceName: METRIC_SERVICE });
  } finally {
    if (saved.AWS_LAMBDA_INITIALIZATION_TYPE === undefined) delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    else process.env.AWS_LAMBDA_INITIALIZATION_TYPE = saved.AWS_LAMBDA_INITIALIZATION_TYPE;
  }
}

/** Each printed metric as `name{dim=value,...}=value`, for exact comparison. */
function published(): string[] {
  return lines.flatMap((doc) =>
    doc._aws.CloudWatchMetrics.flatMap((set) =>
      set.Dimensions.flatMap((dims) =>
        set.Metrics.map((m) => `${m.Name}{${dims.map((d) => `${d}=${String(doc[d])}`).join(',')}}=${JSON.stringify(doc[m.Name])}`),
      ),
    ),
  );
}

/** Every dimension value of every printed document. */
const dimensionValues = () => lines.flatMap((doc) => doc._aws.CloudWatchMetrics.flatMap((set) => set.Dimensions.flat().map((d) => String(doc[d]))));

const event = (path: string, pathParameters: Record<string, string>): ApiEvent =>
  ({
    version: '2.0',
    routeKey: 'test',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'unit.test', accept: 'application/json' },
    pathParameters,
    requestContext: { requestId: 'r', http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' } },
    isBase64Encoded: false,
  }) as unknown as ApiEvent;

const context = { awsRequestId: 'req-1', functionName: 'unit', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

const problem = (type: keyof typeof PROBLEM_TYPES): ApiResult => ({
  statusCode: PROBLEM_TYPES[type].status,
  headers: { 'content-type': 'application/problem+json' },
  body: JSON.stringify({ type: problemTypeUri(type), status: PROBLEM_TYPES[type].status, detail: 'x' }),
});

describe('requestOutcome (pure)', () => {
  it('counts a booking only for a 201 of the booking route', () => {
    expect(requestOutcome(routes.bookAppointment, { statusCode: 201, body: '{}' }, 5)).toMatchObject({ route: 'book-appointment', booking: true, conflict: false });
    expect(requestOutcome(routes.bookAppointment, problem('slot-conflict'), 5)).toMatchObject({ booking: false, conflict: true, problem: 'slot-conflict' });
    expect(requestOutcome(routes.createPatient, { statusCode: 201, body: '{}' }, 5).booking).toBe(false);
  });

  it('counts a cancellation when the status route answers with a cancelled appointment', () => {
    const answer = (status: string): ApiResult => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uuid: 'a', status }) });
    expect(requestOutcome(routes.changeAppointmentStatus, answer('cancelled'), 1).cancellation).toBe(true);
    expect(requestOutcome(routes.changeAppointmentStatus, answer('confirmed'), 1).cancellation).toBe(false);
    expect(requestOutcome(routes.getAppointment, answer('cancelled'), 1).cancellation).toBe(false);
    expect(requestOutcome(routes.changeAppointmentStatus, problem('status-conflict'), 1)).toMatchObject({ cancellation: false, conflict: true });
  });

  it('names the problem type of a 4xx from its problem+json type, and `other` for anything else', () => {
    for (const type of Object.keys(PROBLEM_TYPES) as (keyof typeof PROBLEM_TYPES)[]) {
      const outcome = requestOutcome(routes.getPatient, problem(type), 1);
      expect(outcome.problem, type).toBe(PROBLEM_TYPES[type].status < 500 ? type : undefined);
    }
    expect(requestOutcome(routes.getDeskAsset, { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'no' }, 1).problem).toBe(OTHER_PROBLEM);
    const forged: ApiResult = { statusCode: 400, headers: { 'Content-Type': 'application/problem+json' }, body: JSON.stringify({ type: 'urn:problem-type:dental-booking:0d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6' }) };
    expect(requestOutcome(routes.getPatient, forged, 1).problem).toBe(OTHER_PROBLEM);
    expect(requestOutcome(routes.getPatient, { statusCode: 200, body: '{}' }, 1).problem).toBeUndefined();
  });
});

describe('EMF output of a route function', () => {
  it('prints nothing where metrics are off (no namespace, as under npm start and in tests), or when disabled', async () => {
    delete process.env.POWERTOOLS_METRICS_NAMESPACE;
    expect(functionMetrics()).toBeUndefined();
    const { handler } = await import('../../functions/get-docs-asset.ts');
    await handler(event('/docs/nope.js', { asset: 'nope.js' }), context);
    process.env.POWERTOOLS_METRICS_NAMESPACE = NAMESPACE;
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    expect(functionMetrics()).toBeUndefined();
    recordWebhookAttempt(false);
    expect(lines).toEqual([]);
  });

  it('a cold request that fails with a 404: cold start (stage-wide), the per-route line, the problem line', async () => {
    const { requestMetrics } = await import('#shared/observability/metrics.ts');
    // The middleware the functions use, given a fresh Metrics so that this request is a cold start.
    const metrics = fresh();
    const middleware = requestMetrics(routes.getDocsAsset, metrics);
    const request = { event: event('/docs/x', { asset: 'x' }), context, response: problem('not-found'), error: null, internal: {} } as never;
    await middleware.before!(request);
    await middleware.onError!(request);

    expect(lines.every((doc) => doc._aws.CloudWatchMetrics.every((set) => set.Namespace === NAMESPACE))).toBe(true);
    const all = published();
    expect(all.filter((m) => !m.startsWith('Latency{')).sort()).toEqual([
      `ClientError{service=${METRIC_SERVICE},route=get-docs-asset}=1`,
      `ColdStart{service=${METRIC_SERVICE}}=1`,
      `Fault{service=${METRIC_SERVICE},route=get-docs-asset}=0`,
      `Problems{service=${METRIC_SERVICE},problem=not-found}=1`,
    ]);
    expect(all.filter((m) => m.startsWith('Latency{'))).toEqual([expect.stringMatching(new RegExp(`^Latency\\{service=${METRIC_SERVICE},route=get-docs-asset\\}=\\d+$`))]);
    const latency = lines.flatMap((d) => d._aws.CloudWatchMetrics.flatMap((s) => s.Metrics)).find((m) => m.Name === METRIC.latency);
    expect(latency?.Unit).toBe('Milliseconds');

    // The second request of the same instance is warm: no ColdStart.
    lines = [];
    await middleware.before!(request);
    await middleware.onError!(request);
    expect(published().some((m) => m.startsWith('ColdStart'))).toBe(false);
  });

  it('through a real function (its middleware stack as deployed): a token route refused without a token, its path full of ids', async () => {
    // Refused before any read: the table is named but never called.
    process.env.TABLE_NAME ??= 'unit-no-table';
    const { handler } = await import('../../functions/get-patient.ts');
    const orgId = '0d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6';
    const patientId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    const result = (await handler(event(`/api/v1/${orgId}/patients/${patientId}`, { org_id: orgId, patient_uuid: patientId }), context)) as ApiResult;
    expect(result.statusCode).toBe(401);
    const metrics = published();
    expect(metrics).toContain(`ClientError{service=${METRIC_SERVICE},route=get-patient}=1`);
    expect(metrics).toContain(`Fault{service=${METRIC_SERVICE},route=get-patient}=0`);
    expect(metrics).toContain(`Problems{service=${METRIC_SERVICE},problem=unauthenticated}=1`);
    // The ids are in the request, the response, the log line — but in no dimension.
    for (const value of dimensionValues()) expect(value).not.toMatch(UUID);
    expect(JSON.stringify(lines)).not.toContain(orgId);
    expect(JSON.stringify(lines)).not.toContain(patientId);
  });

  it('a 5xx is a Fault; a booking, a conflict and a cancellation are counted stage-wide', async () => {
    const { publishRequest } = await import('#shared/observability/metrics.ts');
    const metrics = fresh();
    publishRequest(metrics, requestOutcome(routes.bookAppointment, problem('unavailable'), 12));
    publishRequest(metrics, requestOutcome(routes.bookAppointment, { statusCode: 201, body: '{}' }, 30));
    publishRequest(metrics, requestOutcome(routes.bookAppointment, problem('slot-conflict'), 20));
    publishRequest(metrics, requestOutcome(routes.changeAppointmentStatus, { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"cancelled"}' }, 20));
    const all = published();
    expect(all.filter((m) => m.startsWith('Fault{'))).toEqual([
      `Fault{service=${METRIC_SERVICE},route=book-appointment}=1`,
      `Fault{service=${METRIC_SERVICE},route=book-appointment}=0`,
      `Fault{service=${METRIC_SERVICE},route=book-appointment}=0`,
      `Fault{service=${METRIC_SERVICE},route=change-appointment-status}=0`,
    ]);
    expect(all.filter((m) => /^(Bookings|Conflicts|Cancellations)\{/.test(m))).toEqual([
      `Bookings{service=${METRIC_SERVICE}}=1`,
      `Conflicts{service=${METRIC_SERVICE}}=1`,
      `Cancellations{service=${METRIC_SERVICE}}=1`,
    ]);
    // A 503 is not a 4xx: no problem line for it.
    expect(all.filter((m) => m.startsWith('Problems{'))).toEqual([`Problems{service=${METRIC_SERVICE},problem=slot-conflict}=1`]);
  });

  it('webhook attempts: deliveries and failures, stage-wide only', () => {
    const metrics = fresh();
    recordWebhookAttempt(true, metrics);
    recordWebhookAttempt(false, metrics);
    expect(published()).toEqual([
      `WebhookDeliveries{service=${METRIC_SERVICE}}=1`,
      `WebhookFailures{service=${METRIC_SERVICE}}=0`,
      `WebhookDeliveries{service=${METRIC_SERVICE}}=1`,
      `WebhookFailures{service=${METRIC_SERVICE}}=1`,
    ]);
  });

  it('only ever uses the service, route and problem dimensions, with values from closed sets', async () => {
    const { publishRequest } = await import('#shared/observability/metrics.ts');
    const metrics = fresh();
    for (const route of routeList) {
      for (const result of [{ statusCode: 200, body: '{}' }, problem('not-found'), problem('internal')] as ApiResult[]) {
        publishRequest(metrics, requestOutcome(route, result, 1));
      }
    }
    const allowed: Record<string, Set<string>> = {
      [DIMENSION.service]: new Set([METRIC_SERVICE]),
      [DIMENSION.route]: new Set(routeList.map((r) => r.handler)),
      [DIMENSION.problem]: new Set([...Object.keys(PROBLEM_TYPES), OTHER_PROBLEM]),
    };
    for (const doc of lines) {
      for (const set of doc._aws.CloudWatchMetrics) {
        for (const dims of set.Dimensions) {
          for (const d of dims) expect(allowed[d]?.has(String(doc[d])), `${d}=${String(doc[d])}`).toBe(true);
        }
        for (const m of set.Metrics) expect(Object.values(METRIC)).toContain(m.Name);
      }
    }
  });
});
