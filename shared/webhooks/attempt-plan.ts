/**
 * The webhook dispatcher's decisions, apart from its reads and writes (pure, unit-tested): which
 * endpoints an event goes to, and what an attempt's outcome changes — the delivery's state and next
 * attempt, the retry to schedule, the endpoint's health.
 *
 * Endpoint health: a failure marks when failing began (`failing_since`); a success clears it; a
 * failure three days after it began, or the last scheduled retry of a delivery failing while the
 * endpoint fails, sets it inactive with the reason; a 410 Gone does so at once.
 */
import type { EventRecord } from '../domain/events.ts';
import type { DeliveryChange, EndpointHealthChange } from '../db/repositories/deliveries.ts';
import { subscribes } from './event-types.ts';
import type { AttemptOutcome, DeliveryRecord, RetryJob, WebhookEndpointRecord } from './model.ts';
import { nextAttemptAt } from './retry-schedule.ts';

/** An endpoint failing this long is set inactive. */
export const FAILING_LIMIT_MS = 3 * 86_400_000;

export const GONE_REASON = 'receiver answered 410 Gone';
const failingReason = (since: string, why: string) => `failing since ${since} (${why})`;

/** The endpoints an event goes to. */
export function recipientsOf(event: EventRecord, endpoints: readonly WebhookEndpointRecord[]): WebhookEndpointRecord[] {
  if (event.only_endpoint) return endpoints.filter((e) => e.uuid === event.only_endpoint && e.active && e.org_id === event.org_id);
  return endpoints.filter((e) => e.active && e.org_id === event.org_id && subscribes(e.event_types, event.event_type));
}

/** What is done after an attempt: the delivery's change, the next job, the endpoint's health. Pure. */
export type AttemptPlan = { change: DeliveryChange; job: RetryJob | null; health: EndpointHealthChange | null };

export function planAfterAttempt(delivery: DeliveryRecord, endpoint: WebhookEndpointRecord, outcome: AttemptOutcome, at: Date, random?: () => number): AttemptPlan {
  const attempts = delivery.attempts + 1;
  const iso = at.toISOString();
  const base = { attempts, last_status_code: outcome.status_code, last_error_class: outcome.error_class, updated_at: iso };
  const failed = (health: EndpointHealthChange | null): AttemptPlan => ({ change: { ...base, state: 'failed', next_attempt_at: null }, job: null, health });

  if (outcome.ok) return { change: { ...base, state: 'delivered', next_attempt_at: null }, job: null, health: endpoint.failing_since ? { kind: 'recovered' } : null };
  if (outcome.gone) return failed({ kind: 'disable', reason: GONE_REASON, at: iso });

  const since = endpoint.failing_since;
  if (since && at.getTime() - Date.parse(since) >= FAILING_LIMIT_MS) return failed({ kind: 'disable', reason: failingReason(since, '3 days'), at: iso, failingSince: since });
  const next = nextAttemptAt(attempts, at, { retryAfterS: outcome.retry_after_s, random });
  const startFailing: EndpointHealthChange | null = since ? null : { kind: 'failing', since: iso };
  if (!next) {
    // The last scheduled retry failed while the endpoint was failing: it is set inactive. (A retry someone asked for past the last does not.)
    if (since && delivery.state === 'pending') return failed({ kind: 'disable', reason: failingReason(since, 'retries exhausted'), at: iso, failingSince: since });
    return failed(startFailing);
  }
  const nextIso = next.toISOString();
  return {
    change: { ...base, state: 'pending', next_attempt_at: nextIso },
    job: { org_id: delivery.org_id, delivery_uuid: delivery.uuid, attempt: attempts + 1, at: nextIso },
    health: startFailing,
  };
}
