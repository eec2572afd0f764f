/**
 * Webhooks: the stored shapes and the seams between the parts that deliver events.
 *
 * - The admin routes (shared/domain/webhooks.ts) keep endpoint items and put, for `…/test` and
 *   `…/retry`, the items the dispatcher reacts to: an event item with `only_endpoint`, or a delivery
 *   whose `state` is `requested`.
 * - The dispatcher (shared/webhooks/dispatcher.ts) reacts to new items from the table's stream: an
 *   event → one delivery per matching active endpoint, its first attempt sent at once; a requested
 *   delivery → an attempt now. A failed attempt asks the `RetryScheduler` for the next one.
 * - In AWS the scheduler is EventBridge Scheduler (one-time schedules that delete themselves,
 *   invoking the retry function); under `npm start` it is timers backed by the delivery items
 *   (shared/webhooks/… local scheduler in infra/local), re-armed from the table at start.
 *
 * Nothing here is patient data: deliveries hold uuids, event ids, status codes and error classes;
 * never a response body.
 */
import type { ErrorClass } from '../db/records/webhooks.ts';

/** The stored shapes are the table's (shared/db/records/webhooks.ts). */
export type { AttemptRecord, DeliveryRecord, DeliveryState, ErrorClass, StoredSecret, WebhookEndpointRecord } from '../db/records/webhooks.ts';

/** What one attempt came to. */
export type AttemptOutcome = {
  ok: boolean;
  status_code: number | null;
  latency_ms: number;
  error_class: ErrorClass | null;
  /** Seconds the receiver asked us to wait (429/503 `Retry-After`), if it did. */
  retry_after_s: number | null;
  /** 410 Gone: the receiver asks never to be called again (the endpoint is disabled). */
  gone: boolean;
};

/** A retry to run later. `attempt`: the number of the attempt it makes (the delivery's `attempts` + 1 when it was scheduled); a job finding another count does nothing. */
export type RetryJob = { org_id: string; delivery_uuid: string; attempt: number; at: string };

/** Runs `runRetry(job)` at (or soon after) `job.at`. Scheduling the same job twice runs it at most once. */
export interface RetryScheduler {
  schedule(job: RetryJob): Promise<void>;
}
