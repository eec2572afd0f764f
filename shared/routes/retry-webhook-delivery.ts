import { V1, type RouteSpec } from './spec.ts';
import { DeliveryPath, EmptyBody, RetryRequested } from '../schemas/webhooks.ts';

export const retryWebhookDelivery = {
  method: 'POST',
  path: `${V1}/deliveries/{delivery_uuid}/retry`,
  handler: 'retry-webhook-delivery',
  tag: 'Events and webhooks',
  summary: 'Send a delivery again now',
  description:
    'Send `{}`. The event is sent to its endpoint again at once, with the same `webhook-id` — also one that was delivered (a receiver that lost it may ask), or one whose retries ran out. 409 while a retry asked for earlier has not been made yet.',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: DeliveryPath, body: EmptyBody },
  responses: { 202: { description: 'The retry is requested', schema: RetryRequested } },
  errors: [404, 409],
} as const satisfies RouteSpec;
