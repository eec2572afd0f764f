/**
 * Schemas of the webhook admin routes: endpoints (never with a secret, but for the one answer that
 * creates or rotates it), the test event, the delivery log and the retry of a delivery.
 *
 * The shapes are checked here (400): the URL's text, each event type's form. Whether an event type
 * names a known type, and whether the URL may be called at all (https, no credentials, no loopback
 * or private address — which depends on where the API runs), are the domain's 422
 * (shared/domain/webhooks.ts): this module stays free of the event and table modules.
 */
import * as z from 'zod/mini';
import { OrgPath, Text, Uuid, nonEmpty, queryInt } from './common.ts';

/** Endpoints one organisation may have. */
export const MAX_WEBHOOK_ENDPOINTS = 20;
/** Event types (or wildcards) one endpoint may subscribe to. */
export const MAX_EVENT_TYPES = 20;
export const MAX_URL_LENGTH = 2048;

export const WebhookPath = z.extend(OrgPath, { webhook_uuid: Uuid });
export const DeliveryPath = z.extend(OrgPath, { delivery_uuid: Uuid });

/** Printable ASCII without blanks: an IDN host in its `xn--` form, other characters percent-encoded. */
const WebhookUrl = z
  .string()
  .check(
    z.maxLength(MAX_URL_LENGTH, { message: `must be at most ${MAX_URL_LENGTH} characters`, abort: true }),
    z.regex(/^[\x21-\x7e]+$/, 'must be a URL of printable ASCII characters without spaces (percent-encode the rest; an international host in its xn-- form)'),
    z.describe('Where events are POSTed: `https://` (in AWS only https; under `npm start` also `http://127.0.0.1`, `http://localhost` and `http://[::1]`). No user or password in it; no loopback, private or link-local address.'),
  );

/** The shape of a type or wildcard; whether it names a known type is the domain's check (422). */
const EventTypePattern = z.string().check(
  z.maxLength(64, { message: 'must be at most 64 characters', abort: true }),
  z.regex(/^(?:\*|[a-z_]+\.(?:\*|[a-z_]+))$/, 'must be an event type (appointment.booked), a family wildcard (appointment.*) or *'),
);

const EventTypes = z
  .array(EventTypePattern)
  .check(
    z.minLength(1, 'subscribe to at least one event type'),
    z.maxLength(MAX_EVENT_TYPES, `at most ${MAX_EVENT_TYPES} event types`),
    z.describe('Exact types (`appointment.cancelled`), family wildcards (`appointment.*`) or `*`. `webhook.test` always reaches the endpoint it is sent to.'),
  );

const Description = z.nullable(Text(500));

export const CreateWebhookBody = z.strictObject({
  url: WebhookUrl,
  event_types: EventTypes,
  description: z.optional(Description),
});
export type CreateWebhookInput = z.infer<typeof CreateWebhookBody>;

export const UpdateWebhookBody = nonEmpty(
  z.strictObject({
    url: z.optional(WebhookUrl),
    event_types: z.optional(EventTypes),
    description: z.optional(Description).check(z.describe('`null` clears it.')),
    active: z
      .optional(z.boolean())
      .check(z.describe('`false` stops deliveries to the endpoint; `true` starts them again and clears why the system had disabled it (`disabled_reason`, `disabled_at`, `failing_since`).')),
  }),
);
export type UpdateWebhookInput = z.infer<typeof UpdateWebhookBody>;

/** The routes that take no input but a POST body: send `{}`. */
export const EmptyBody = z.strictObject({});

export const WebhookEndpoint = z.object({
  uuid: z.string(),
  url: z.string(),
  event_types: z.array(z.string()),
  description: z.nullable(z.string()),
  active: z.boolean(),
  disabled_reason: z.nullable(z.string()).check(z.describe('Why the system disabled it (`gone`: the receiver answered 410; `failing`: it failed for three days); null when a person did, or while it is active.')),
  disabled_at: z.nullable(z.string()),
  failing_since: z.nullable(z.string()).check(z.describe('The first failed delivery since the last success; null while healthy.')),
  secret_rotated_at: z.nullable(z.string()).check(z.describe('When the current secret replaced an earlier one; null if it never did.')),
  previous_secret_expires_at: z.nullable(z.string()).check(z.describe('Until when an earlier secret still signs beside the current one (after a rotation); null if none does.')),
  created_at: z.string(),
  updated_at: z.string(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const CreatedWebhookEndpoint = z.extend(WebhookEndpoint, {
  secret: z.string().check(z.describe('The signing secret (`whsec_…`, Standard Webhooks). Shown only in this answer: keep it.')),
});
export type CreatedWebhookEndpoint = z.infer<typeof CreatedWebhookEndpoint>;

export const WebhookEndpointList = z.object({ items: z.array(WebhookEndpoint), total: z.number().check(z.int()) });

export const RotatedSecret = z.object({
  secret: z.string().check(z.describe('The new signing secret (`whsec_…`). Shown only in this answer.')),
  previous_secret_expires_at: z.string().check(z.describe('Until then the previous secret signs too (a second signature in `webhook-signature`).')),
});

export const TestEventSent = z.object({ event_id: z.string().check(z.describe('The `webhook.test` event; its delivery shows in the endpoint’s log.')) });

export const DeliveriesQuery = z.strictObject({
  page: queryInt(1, 100, 1),
  page_size: queryInt(1, 100, 20),
});

export const ERROR_CLASSES = ['http_status', 'timeout', 'connection', 'dns', 'address_refused', 'endpoint_inactive', 'event_expired'] as const;

export const DeliveryAttempt = z.object({
  delivery_uuid: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  attempt: z.number().check(z.int()),
  at: z.string(),
  status_code: z.nullable(z.number().check(z.int())),
  latency_ms: z.number(),
  error_class: z.nullable(z.enum(ERROR_CLASSES)),
  next_attempt_at: z.nullable(z.string()).check(z.describe('When the next attempt is due; null when there is none (delivered, or given up).')),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

export const DeliveryAttemptPage = z.object({
  items: z.array(DeliveryAttempt),
  page: z.number().check(z.int()),
  page_size: z.number().check(z.int()),
  has_more: z.boolean().check(z.describe('Whether an older page exists.')),
});

export const RetryRequested = z.object({ delivery_uuid: z.string(), state: z.literal('requested') });
