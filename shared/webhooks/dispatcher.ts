/**
 * The webhook dispatcher: the one module the AWS functions (stream → dispatchItems, a scheduled
 * retry → runRetry) and the local runtime (its stream reader and timers) call.
 *
 * - An event item → one delivery per active endpoint of its organisation that subscribes to it (or
 *   only the `only_endpoint` of a `webhook.test`), each created once (its id derived from the event
 *   and endpoint, put on condition that it does not exist), and its first attempt made at once.
 * - A requested delivery (the retry route) → an attempt now, whatever its state was.
 * - A failed attempt → the next one asked of the `RetryScheduler` (retry-schedule.ts), or, when none
 *   is left, the delivery has failed. The job is scheduled before the attempt is recorded, so a
 *   recorded failure always has its next run; a job finding the delivery's count not where it
 *   expects (its attempt made, or the one before it never recorded) does nothing. Errors (DynamoDB,
 *   the scheduler) are thrown to the caller, whose stream or schedule hands the work again: what
 *   was recorded is not done twice.
 * - Each attempt is signed anew (webhook-id = the event id, the same every time) over the event's
 *   stored body, with every live secret of the endpoint, and recorded in one transaction with the
 *   delivery's update, on condition that its attempt count is still the one read.
 * - Endpoint health: a failure marks when failing began; a success clears it; a failure three days
 *   after it began (or a delivery's last retry failing while it fails) sets the endpoint inactive,
 *   with the reason; a 410 does so at once.
 *
 * Logs carry ids, types, status codes and error classes: never a body, a URL or a secret.
 */
import { logger } from '../observability/logger.ts';
import { recordWebhookAttempt } from '../observability/metrics.ts';
import { toEventRecord, type EventRecord } from '../domain/events.ts';
import type { Item } from '../db/operations.ts';
import {
  attemptRecord,
  createDelivery,
  newDeliveryRecord,
  readDelivery,
  readDeliveryContext,
  readEndpointsOf,
  recordAttempt,
  scanWaitingDeliveries,
  toDeliveryRecord,
  updateEndpointHealth,
  type DeliveryChange,
} from '../db/repositories/deliveries.ts';
import type { Resolver } from './address-guard.ts';
import { planAfterAttempt, recipientsOf } from './attempt-plan.ts';
import type { DeliveryRecord, ErrorClass, RetryJob, RetryScheduler, WebhookEndpointRecord } from './model.ts';
import { openSecret } from './secret-box.ts';
import { attemptDelivery, DEFAULT_TIMEOUT_MS } from './sender.ts';
import { signatureHeaders } from './signing.ts';

export type DispatchDeps = {
  now: () => Date;
  scheduler: RetryScheduler;
  /** Local mode only: http://127.0.0.1, localhost and [::1] receivers are allowed. Never in AWS. */
  allowLocalHttp: boolean;
  /** The retry jitter's randomness (0 ≤ r < 1). */
  random?: () => number;
  resolver?: Resolver;
  /** One attempt's limit (15 s); tests of a receiver that never answers pass less. */
  timeoutMs?: number;
};

/**
 * A new delivery's `next_attempt_at`: its first attempt is made at once, and recorded well before
 * this. A delivery seen again (the stream handing an event twice) with no attempt recorded is
 * attempted only after it: until then the first run is presumably still at it.
 */
export const FIRST_ATTEMPT_GRACE_MS = 60_000;

/** New images from the table's stream (already unmarshalled); anything but an event or a requested delivery is ignored. */
export async function dispatchItems(items: Item[], deps: DispatchDeps): Promise<void> {
  const events = unique(items.flatMap((item) => toEventRecord(item) ?? []));
  const requested = unique(items.flatMap((item) => {
    const delivery = toDeliveryRecord(item);
    return delivery?.state === 'requested' ? [delivery] : [];
  }));
  // One Query of endpoints per organisation in the batch.
  const orgs = [...new Set(events.map((e) => e.org_id))];
  const endpoints = new Map(orgs.map((org) => [org, readEndpointsOf(org)]));
  const results = await Promise.allSettled([
    ...events.map(async (event) => {
      const failures = await fanOut(event, await endpoints.get(event.org_id)!, deps);
      if (failures.length > 0) throw new AggregateError(failures);
    }),
    ...requested.map((image) => runRequested(image, deps)),
  ]);
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  // Thrown after every item had its turn: the stream hands the batch again, and what was done is not done twice.
  if (failed.length > 0) throw new AggregateError(failed, `${failed.length} of ${events.length + requested.length} webhook items failed`);
}

/** Runs a scheduled retry (idempotent: a job whose attempt was already made, or a delivery no longer pending, does nothing). */
export async function runRetry(job: RetryJob, deps: DispatchDeps): Promise<void> {
  const delivery = await readDelivery(job.org_id, job.delivery_uuid);
  if (!delivery || (delivery.state !== 'pending' && delivery.state !== 'requested') || delivery.attempts !== job.attempt - 1) {
    logger.info('webhook retry not needed', { org_id: job.org_id, delivery_uuid: job.delivery_uuid, attempt: job.attempt, state: delivery?.state ?? 'gone' });
    return;
  }
  const { event, endpoint } = await readDeliveryContext(delivery);
  await attempt(delivery, event, endpoint, deps);
}

/** Deliveries still pending (for the local scheduler to re-arm at start): local only, may Scan. */
export async function pendingRetries(limit = 1000): Promise<RetryJob[]> {
  const waiting = await scanWaitingDeliveries(limit);
  return waiting.map((d) => ({ org_id: d.org_id, delivery_uuid: d.uuid, attempt: d.attempts + 1, at: d.next_attempt_at ?? d.updated_at }));
}

function unique<T extends { pk: string; sk: string }>(records: T[]): T[] {
  return [...new Map(records.map((r) => [`${r.pk}\u0000${r.sk}`, r])).values()];
}

/** Creates each recipient's delivery and makes its first attempt; returns what failed (each on its own). */
async function fanOut(event: EventRecord, endpoints: readonly WebhookEndpointRecord[], deps: DispatchDeps): Promise<unknown[]> {
  const results = await Promise.allSettled(
    recipientsOf(event, endpoints).map(async (endpoint) => {
      const now = deps.now();
      const record = newDeliveryRecord(event, endpoint.uuid, now, new Date(now.getTime() + FIRST_ATTEMPT_GRACE_MS));
      const created = await createDelivery(record);
      if (created.created) return attempt(record, event, endpoint, deps);
      const existing = created.existing;
      if (!existing || existing.state !== 'pending' || existing.attempts !== 0) return; // already under way, or done
      const due = existing.next_attempt_at ?? existing.created_at;
      if (Date.parse(due) <= now.getTime()) return attempt(existing, event, endpoint, deps);
      // Seen again while its first attempt may still be running: that run records it, or, should it
      // have died first, this job (doing nothing if the attempt was recorded) makes it.
      await deps.scheduler.schedule({ org_id: existing.org_id, delivery_uuid: existing.uuid, attempt: 1, at: due });
    }),
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  for (const failure of failures) logger.error('webhook fan-out failed', { org_id: event.org_id, event_id: event.event_id, event_type: event.event_type, error: (failure as Error)?.name ?? 'unknown' });
  return failures;
}

/** A delivery someone asked to retry (the stream's image of it): attempted now if it is still asked for. */
async function runRequested(image: DeliveryRecord, deps: DispatchDeps): Promise<void> {
  try {
    const delivery = await readDelivery(image.org_id, image.uuid);
    if (delivery?.state !== 'requested') return;
    const { event, endpoint } = await readDeliveryContext(delivery);
    await attempt(delivery, event, endpoint, deps);
  } catch (error) {
    logger.error('webhook requested attempt failed', { org_id: image.org_id, delivery_uuid: image.uuid, error: (error as Error)?.name ?? 'unknown' });
    throw error;
  }
}

/** The endpoint's secrets still signing at `now` (the newest, and a rotated one for its 24 h), opened. */
async function liveSecrets(endpoint: WebhookEndpointRecord, now: Date): Promise<string[]> {
  const live = endpoint.secrets.filter((s) => s.expires_at === null || s.expires_at === undefined || Date.parse(s.expires_at) > now.getTime());
  return Promise.all(live.map((s) => openSecret(s.sealed)));
}

/** Marks a delivery failed without an attempt (the endpoint or the event is gone). */
async function giveUp(delivery: DeliveryRecord, error: ErrorClass, now: Date): Promise<void> {
  const change: DeliveryChange = { state: 'failed', attempts: delivery.attempts, next_attempt_at: null, last_status_code: null, last_error_class: error, updated_at: now.toISOString() };
  const recorded = await recordAttempt(delivery, change, undefined);
  logger.info('webhook delivery given up', { org_id: delivery.org_id, delivery_uuid: delivery.uuid, endpoint_uuid: delivery.endpoint_uuid, event_id: delivery.event_id, error_class: error, recorded });
}

/** One attempt of a delivery, and everything it changes. */
async function attempt(delivery: DeliveryRecord, event: EventRecord | undefined, endpoint: WebhookEndpointRecord | undefined, deps: DispatchDeps): Promise<void> {
  const started = deps.now();
  if (!endpoint || !endpoint.active) return giveUp(delivery, 'endpoint_inactive', started);
  if (!event) return giveUp(delivery, 'event_expired', started);
  const secrets = await liveSecrets(endpoint, started);
  if (secrets.length === 0) return giveUp(delivery, 'endpoint_inactive', started);

  const headers = signatureHeaders({ id: event.event_id, timestamp: started, body: event.body, secrets });
  const outcome = await attemptDelivery({
    url: endpoint.url,
    headers,
    body: event.body,
    allowLocalHttp: deps.allowLocalHttp,
    timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    resolver: deps.resolver,
    now: deps.now,
  });
  recordWebhookAttempt(outcome.ok);
  const at = deps.now();
  const plan = planAfterAttempt(delivery, endpoint, outcome, at, deps.random);
  const log = attemptRecord(
    delivery,
    { attempt: plan.change.attempts, at: started.toISOString(), status_code: outcome.status_code, latency_ms: outcome.latency_ms, error_class: outcome.error_class, next_attempt_at: plan.change.next_attempt_at },
    at,
  );
  const ids = { org_id: delivery.org_id, delivery_uuid: delivery.uuid, endpoint_uuid: endpoint.uuid, event_id: event.event_id, event_type: event.event_type, attempt: plan.change.attempts };
  if (plan.job) await deps.scheduler.schedule(plan.job);
  const recorded = await recordAttempt(delivery, plan.change, log);
  logger.info('webhook attempt', { ...ids, state: plan.change.state, status_code: outcome.status_code, error_class: outcome.error_class, latency_ms: outcome.latency_ms, recorded });
  if (!recorded || !plan.health) return;
  const applied = await updateEndpointHealth(delivery.org_id, endpoint.uuid, plan.health);
  if (plan.health.kind === 'disable' && applied) logger.warn('webhook endpoint disabled', { org_id: delivery.org_id, endpoint_uuid: endpoint.uuid, status_code: outcome.status_code, error_class: outcome.error_class });
}
