/**
 * The stored shapes of webhook endpoints, deliveries and the delivery log (shared/webhooks/model.ts
 * says how the parts that use them fit together). Uuids, event ids, status codes and error classes
 * only: never patient data, never a response body.
 */
import type { EventType } from '../../schemas/event-types.ts';

/** One signing secret, encrypted (AES-256-GCM under the stage's webhook key): the sender must read it. */
export type StoredSecret = {
  /** base64 of iv (12 bytes) ‖ ciphertext ‖ tag (16 bytes). */
  sealed: string;
  created_at: string;
  /** After a rotation the old secret keeps signing, beside the new one, until then (24 h). */
  expires_at: string | null;
};

export type WebhookEndpointRecord = {
  pk: string;
  sk: string;
  entity: 'webhook-endpoint';
  uuid: string;
  org_id: string;
  url: string;
  /** Exact types or wildcards (`appointment.*`, `*`). */
  event_types: string[];
  description: string | null;
  active: boolean;
  /** Why it is inactive when the system set it so (410, failing for three days); null when set by a person or active. */
  disabled_reason: string | null;
  disabled_at: string | null;
  /** The first failure since the last success; null while healthy. */
  failing_since: string | null;
  /** Newest first. */
  secrets: StoredSecret[];
  version: number;
  created_at: string;
  updated_at: string;
};

export type DeliveryState = 'pending' | 'requested' | 'delivered' | 'failed';

export type DeliveryRecord = {
  pk: string;
  sk: string;
  entity: 'delivery';
  uuid: string;
  org_id: string;
  endpoint_uuid: string;
  event_id: string;
  event_type: EventType;
  /** `pending`: an attempt is due at `next_attempt_at`; `requested`: someone asked for one now (the retry route); `delivered`; `failed`: retries exhausted or the endpoint gone/inactive. */
  state: DeliveryState;
  /** Attempts made so far. */
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error_class: ErrorClass | null;
  created_at: string;
  updated_at: string;
  expires_at: number;
};

/** One attempt, as the delivery log lists it. */
export type AttemptRecord = {
  pk: string;
  sk: string;
  entity: 'delivery-attempt';
  delivery_uuid: string;
  endpoint_uuid: string;
  event_id: string;
  event_type: EventType;
  attempt: number;
  at: string;
  status_code: number | null;
  latency_ms: number;
  error_class: ErrorClass | null;
  /** When the next attempt is due (null: none — delivered, or given up). */
  next_attempt_at: string | null;
  expires_at: number;
};

/** Why an attempt failed, as a class (never the receiver's words). */
export type ErrorClass =
  | 'http_status' // a non-2xx status (3xx included: redirects are not followed)
  | 'timeout' // no answer within 15 s
  | 'connection' // refused, reset, TLS
  | 'dns' // the host does not resolve
  | 'address_refused' // resolves to a loopback, private, link-local or otherwise forbidden address
  | 'endpoint_inactive' // the endpoint was disabled or deleted before the attempt
  | 'event_expired'; // the event is gone (past its retention) before a requested attempt: nothing left to send
