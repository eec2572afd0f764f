/** What an attempt's outcome changes: the delivery, the next retry, the endpoint's health; and who receives an event. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { AttemptOutcome, DeliveryRecord, WebhookEndpointRecord } from '#shared/webhooks/model.ts';
import type { EventRecord } from '#shared/domain/events.ts';
import type * as AttemptPlan from '#shared/webhooks/attempt-plan.ts';

let plan: typeof AttemptPlan;
beforeAll(async () => {
  // attempt-plan reaches events.ts, which makes the DynamoDB client at load (no request): it needs a table name.
  vi.stubEnv('TABLE_NAME', 'unit-test');
  plan = await import('#shared/webhooks/attempt-plan.ts');
  vi.unstubAllEnvs();
});

const at = new Date('2026-12-01T12:00:00.000Z');
const hoursBefore = (h: number) => new Date(at.getTime() - h * 3_600_000).toISOString();
const middle = () => 0.5;

const endpoint = (over: Partial<WebhookEndpointRecord> = {}): WebhookEndpointRecord => ({
  pk: 'p', sk: 's', entity: 'webhook-endpoint', uuid: 'ep-1', org_id: 'org-1', url: 'https://hooks.example.com/', event_types: ['appointment.*'], description: null,
  active: true, disabled_reason: null, disabled_at: null, failing_since: null, secrets: [], version: 1, created_at: hoursBefore(100), updated_at: hoursBefore(100), ...over,
});
const delivery = (over: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  pk: 'p', sk: 's', entity: 'delivery', uuid: 'd-1', org_id: 'org-1', endpoint_uuid: 'ep-1', event_id: 'evt_1', event_type: 'appointment.booked', state: 'pending', attempts: 0,
  next_attempt_at: at.toISOString(), last_status_code: null, last_error_class: null, created_at: hoursBefore(1), updated_at: hoursBefore(1), expires_at: 0, ...over,
});
const outcome = (over: Partial<AttemptOutcome>): AttemptOutcome => ({ ok: false, status_code: 500, latency_ms: 12, error_class: 'http_status', retry_after_s: null, gone: false, ...over });
const OK = outcome({ ok: true, status_code: 204, error_class: null });

describe('after an attempt', () => {
  it('a success delivers, schedules nothing, and clears a failing endpoint', () => {
    expect(plan.planAfterAttempt(delivery(), endpoint(), OK, at)).toEqual({
      change: { state: 'delivered', attempts: 1, next_attempt_at: null, last_status_code: 204, last_error_class: null, updated_at: at.toISOString() },
      job: null,
      health: null,
    });
    expect(plan.planAfterAttempt(delivery({ attempts: 3 }), endpoint({ failing_since: hoursBefore(5) }), OK, at).health).toEqual({ kind: 'recovered' });
  });

  it('a failure schedules the next attempt and marks the endpoint failing from now', () => {
    const p = plan.planAfterAttempt(delivery(), endpoint(), outcome({}), at, middle);
    const next = new Date(at.getTime() + 5000).toISOString();
    expect(p.change).toMatchObject({ state: 'pending', attempts: 1, next_attempt_at: next, last_status_code: 500, last_error_class: 'http_status' });
    expect(p.job).toEqual({ org_id: 'org-1', delivery_uuid: 'd-1', attempt: 2, at: next });
    expect(p.health).toEqual({ kind: 'failing', since: at.toISOString() });
    // Already failing: the start stays.
    expect(plan.planAfterAttempt(delivery({ attempts: 2 }), endpoint({ failing_since: hoursBefore(1) }), outcome({ status_code: null, error_class: 'timeout' }), at, middle).health).toBeNull();
  });

  it('a Retry-After longer than the next delay sets the next attempt', () => {
    const p = plan.planAfterAttempt(delivery(), endpoint(), outcome({ status_code: 429, retry_after_s: 120 }), at, middle);
    expect(p.job?.at).toBe(new Date(at.getTime() + 120_000).toISOString());
  });

  it('410 Gone fails the delivery and disables the endpoint at once', () => {
    const p = plan.planAfterAttempt(delivery(), endpoint(), outcome({ status_code: 410, gone: true }), at, middle);
    expect(p.change).toMatchObject({ state: 'failed', next_attempt_at: null, last_status_code: 410 });
    expect(p.job).toBeNull();
    expect(p.health).toEqual({ kind: 'disable', reason: plan.GONE_REASON, at: at.toISOString() });
  });

  it('a failure three days after the endpoint began failing disables it, with why; a little less does not', () => {
    const since = hoursBefore(72);
    const p = plan.planAfterAttempt(delivery({ attempts: 4 }), endpoint({ failing_since: since }), outcome({}), at, middle);
    expect(p.change.state).toBe('failed');
    expect(p.job).toBeNull();
    expect(p.health).toEqual({ kind: 'disable', reason: `failing since ${since} (3 days)`, at: at.toISOString(), failingSince: since });
    expect(plan.planAfterAttempt(delivery({ attempts: 4 }), endpoint({ failing_since: hoursBefore(71.9) }), outcome({}), at, middle).change.state).toBe('pending');
  });

  it('the tenth failed attempt fails the delivery and disables the failing endpoint', () => {
    const since = hoursBefore(60);
    const p = plan.planAfterAttempt(delivery({ attempts: 9 }), endpoint({ failing_since: since }), outcome({}), at, middle);
    expect(p.change).toMatchObject({ state: 'failed', attempts: 10, next_attempt_at: null });
    expect(p.job).toBeNull();
    expect(p.health).toEqual({ kind: 'disable', reason: `failing since ${since} (retries exhausted)`, at: at.toISOString(), failingSince: since });
  });

  it('a requested attempt past the last fails the delivery but leaves the endpoint active', () => {
    const p = plan.planAfterAttempt(delivery({ attempts: 10, state: 'requested' }), endpoint({ failing_since: hoursBefore(10) }), outcome({}), at, middle);
    expect(p.change).toMatchObject({ state: 'failed', attempts: 11 });
    expect(p.health).toBeNull();
  });

  it('a requested attempt with retries left is scheduled from its count', () => {
    const p = plan.planAfterAttempt(delivery({ attempts: 3, state: 'requested' }), endpoint({ failing_since: hoursBefore(1) }), outcome({}), at, middle);
    expect(p.change).toMatchObject({ state: 'pending', attempts: 4, next_attempt_at: new Date(at.getTime() + 7_200_000).toISOString() });
    expect(p.job).toMatchObject({ attempt: 5 });
  });
});

describe('recipients of an event', () => {
  const event = (over: Partial<EventRecord> = {}): EventRecord => ({ pk: 'p', sk: 's', entity: 'event', event_id: 'evt_1', event_type: 'appointment.booked', org_id: 'org-1', body: '{}', expires_at: 0, ...over });
  const all = [
    endpoint({ uuid: 'a', event_types: ['appointment.*'] }),
    endpoint({ uuid: 'b', event_types: ['patient.created'] }),
    endpoint({ uuid: 'c', event_types: ['*'], active: false }),
    endpoint({ uuid: 'd', event_types: ['*'] }),
    endpoint({ uuid: 'e', event_types: ['*'], org_id: 'org-2' }),
  ];

  it('are the active endpoints of its organisation that subscribe to it', () => {
    expect(plan.recipientsOf(event(), all).map((e) => e.uuid)).toEqual(['a', 'd']);
    expect(plan.recipientsOf(event({ event_type: 'patient.created' }), all).map((e) => e.uuid)).toEqual(['b', 'd']);
  });

  it('for webhook.test, only the endpoint it names, if active', () => {
    expect(plan.recipientsOf(event({ event_type: 'webhook.test', only_endpoint: 'b' }), all).map((e) => e.uuid)).toEqual(['b']);
    expect(plan.recipientsOf(event({ event_type: 'webhook.test', only_endpoint: 'c' }), all)).toEqual([]);
    expect(plan.recipientsOf(event({ event_type: 'webhook.test', only_endpoint: 'e' }), all)).toEqual([]);
    expect(plan.recipientsOf(event({ event_type: 'webhook.test' }), all)).toEqual([]);
  });
});
