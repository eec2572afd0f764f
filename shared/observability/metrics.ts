/**
 * Metrics in CloudWatch's embedded metric format (Powertools metrics): one JSON line in the function's
 * log per request, which CloudWatch turns into metrics asynchronously — no PutMetricData call, no
 * permission, nothing billed while the stage is idle (a custom metric is billed only for the hours it
 * receives data). The alarms and the dashboard (infra/constructs/observability.ts) read these names.
 *
 * What is published, and under which dimensions (every set also carries `service`):
 * - per route (`route` = the route's handler name, e.g. `book-appointment`): `Latency` (ms, the
 *   function's time for the request; its SampleCount is the number of requests), `Fault` (1 for a 5xx,
 *   else 0; its average is the 5xx rate) and `ClientError` (1 for a 4xx, else 0);
 * - per problem type (`problem` = a key of PROBLEM_TYPES, or `other`): `Problems`, on every 4xx;
 * - stage-wide (no other dimension): `ColdStart`, `Bookings` (201 of the booking route), `Conflicts`
 *   (any 409), `Cancellations` (an appointment answered as cancelled by the status route), and, for
 *   the webhook dispatcher, `WebhookDeliveries` and `WebhookFailures` (recordWebhookAttempt).
 * Dimension values come only from the route table and PROBLEM_TYPES — closed sets written in the
 * code — never from a request: no id of a patient, an appointment or an organisation can become a
 * dimension (each distinct value would also be a new metric, billed).
 *
 * Published only where the stack sets POWERTOOLS_METRICS_NAMESPACE (`DentalBooking/<stage>`), i.e.
 * in Lambda: `npm start`, the tests and the bench print no metric lines unless they set it.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { PROBLEM_TYPES, type ProblemType } from '../errors.ts';
import type { ApiEvent, ApiResult } from '../http/middleware.ts';
import type { RouteSpec } from '../routes/spec.ts';

/** The `service` dimension of every metric (the logger's service name). */
export const METRIC_SERVICE = 'dental-booking-api';

/** The namespace of a stage's metrics; the stack gives it to every function as POWERTOOLS_METRICS_NAMESPACE. */
export const metricNamespace = (stage: string) => `DentalBooking/${stage}`;

/** Metric names, shared with the alarms and the dashboard. */
export const METRIC = {
  latency: 'Latency',
  fault: 'Fault',
  clientError: 'ClientError',
  problems: 'Problems',
  coldStart: 'ColdStart',
  bookings: 'Bookings',
  conflicts: 'Conflicts',
  cancellations: 'Cancellations',
  webhookDeliveries: 'WebhookDeliveries',
  webhookFailures: 'WebhookFailures',
} as const;

/** Dimension names: the only ones any metric of ours carries. */
export const DIMENSION = { service: 'service', route: 'route', problem: 'problem' } as const;

/** The problem dimension of a 4xx that is not one of our problem types (e.g. a page's plain 404). */
export const OTHER_PROBLEM = 'other';

/** The route whose 201 is a booking, and the one whose answer may be a cancellation. */
const BOOKING_HANDLER = 'book-appointment';
const STATUS_HANDLER = 'change-appointment-status';
const PROBLEM_URN = 'urn:problem-type:dental-booking:';

/** What one request tells the metrics, decided from the route and the response only. */
export type RequestOutcome = {
  route: string;
  status: number;
  latencyMs: number;
  /** The problem type of a 4xx (closed set), else undefined. */
  problem?: ProblemType | typeof OTHER_PROBLEM;
  booking: boolean;
  conflict: boolean;
  cancellation: boolean;
};

function header(result: ApiResult, name: string): string {
  const headers = result.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? '' : String(headers[key]);
}

function bodyJson(result: ApiResult): Record<string, unknown> | undefined {
  if (typeof result.body !== 'string' || result.body === '' || result.isBase64Encoded) return undefined;
  try {
    const value: unknown = JSON.parse(result.body);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The problem type of a problem+json answer, if it is one of ours; `other` for any other 4xx. */
function problemOf(result: ApiResult): ProblemType | typeof OTHER_PROBLEM {
  if (!header(result, 'content-type').startsWith('application/problem+json')) return OTHER_PROBLEM;
  const type = bodyJson(result)?.type;
  if (typeof type !== 'string' || !type.startsWith(PROBLEM_URN)) return OTHER_PROBLEM;
  const name = type.slice(PROBLEM_URN.length);
  return Object.hasOwn(PROBLEM_TYPES, name) ? (name as ProblemType) : OTHER_PROBLEM;
}

/** Pure: the outcome of a request of `route` answered with `result` after `latencyMs`. */
export function requestOutcome(route: Pick<RouteSpec, 'handler'>, result: ApiResult, latencyMs: number): RequestOutcome {
  const status = result.statusCode ?? 200;
  const success = status >= 200 && status < 300;
  return {
    route: route.handler,
    status,
    latencyMs,
    ...(status >= 400 && status < 500 ? { problem: problemOf(result) } : {}),
    booking: route.handler === BOOKING_HANDLER && status === 201,
    conflict: status === 409,
    cancellation: route.handler === STATUS_HANDLER && success && bodyJson(result)?.status === 'cancelled',
  };
}

let shared: Metrics | undefined;

/**
 * The function's Metrics (one per module instance), or undefined where metrics are off: no
 * POWERTOOLS_METRICS_NAMESPACE (not in Lambda), or POWERTOOLS_METRICS_DISABLED=true.
 */
export function functionMetrics(): Metrics | undefined {
  const namespace = process.env.POWERTOOLS_METRICS_NAMESPACE;
  if (!namespace || process.env.POWERTOOLS_METRICS_DISABLED === 'true') return undefined;
  shared ??= new Metrics({ namespace, serviceName: METRIC_SERVICE });
  return shared;
}

/**
 * Publishes one request's metrics on `metrics`: the per-route line, the problem line of a 4xx, and
 * the stage-wide line when it has something to count (each a JSON line on stdout).
 */
export function publishRequest(metrics: Metrics, outcome: RequestOutcome): void {
  metrics.addDimension(DIMENSION.route, outcome.route);
  metrics.addMetric(METRIC.latency, MetricUnit.Milliseconds, outcome.latencyMs);
  metrics.addMetric(METRIC.fault, MetricUnit.Count, outcome.status >= 500 ? 1 : 0);
  metrics.addMetric(METRIC.clientError, MetricUnit.Count, outcome.status >= 400 && outcome.status < 500 ? 1 : 0);
  metrics.publishStoredMetrics();
  if (outcome.problem) {
    const single = metrics.singleMetric();
    single.addDimension(DIMENSION.problem, outcome.problem);
    single.addMetric(METRIC.problems, MetricUnit.Count, 1);
  }
  const counts: Array<[string, boolean]> = [
    [METRIC.bookings, outcome.booking],
    [METRIC.conflicts, outcome.conflict],
    [METRIC.cancellations, outcome.cancellation],
  ];
  if (counts.some(([, yes]) => yes)) {
    for (const [name, yes] of counts) if (yes) metrics.addMetric(name, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  }
}

/**
 * The middy middleware of every route's function (apiHandler, publicHandler): a cold start once
 * (stage-wide, no function dimension), then each request's outcome. Does nothing where metrics are off.
 * It runs outside the problem+json middleware, so it sees the final status of every request.
 */
export function requestMetrics(route: Pick<RouteSpec, 'handler'>, given?: Metrics): middy.MiddlewareObj<ApiEvent, ApiResult, Error, Context> {
  let started = 0;
  let metrics: Metrics | undefined;
  const done = (request: middy.Request<ApiEvent, ApiResult, Error, Context>) => {
    if (!metrics || !request.response) return;
    publishRequest(metrics, requestOutcome(route, request.response, Date.now() - started));
  };
  return {
    before: async () => {
      started = Date.now();
      // Resolved per request (cheap: one instance per module), so the environment decides, not import order.
      metrics = given ?? functionMetrics();
      // Powertools keeps the cold-start flag: true on the first invocation of this instance only.
      metrics?.captureColdStartMetric();
    },
    after: async (request) => done(request),
    onError: async (request) => done(request),
  };
}

/**
 * For the webhook dispatcher (and its retries): one attempt to deliver an event to an endpoint.
 * Stage-wide counts only — never the endpoint, its URL or the organisation as a dimension.
 * Published at once (one line); a no-op where metrics are off.
 */
export function recordWebhookAttempt(ok: boolean, metrics = functionMetrics()): void {
  if (!metrics) return;
  metrics.addMetric(METRIC.webhookDeliveries, MetricUnit.Count, 1);
  metrics.addMetric(METRIC.webhookFailures, MetricUnit.Count, ok ? 0 : 1);
  metrics.publishStoredMetrics();
}
