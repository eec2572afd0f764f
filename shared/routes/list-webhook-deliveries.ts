import { V1, type RouteSpec } from './spec.ts';
import { DeliveriesQuery, DeliveryAttemptPage, WebhookPath } from '../schemas/webhooks.ts';

export const listWebhookDeliveries = {
  method: 'GET',
  path: `${V1}/webhooks/{webhook_uuid}/deliveries`,
  handler: 'list-webhook-deliveries',
  tag: 'Events and webhooks',
  summary: 'The delivery log of a webhook endpoint',
  description:
    'Every attempt, newest first: the event, the attempt number, when, the status code the receiver answered, how long it took, why it failed (`error_class`, never the receiver’s words or body) and when the next attempt is due. Paginated with `page` and `page_size`; `has_more` says whether an older page exists (the log is not counted). Attempts are kept 30 days, also after the endpoint is deleted.',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read',
  request: { params: WebhookPath, query: DeliveriesQuery },
  responses: { 200: { description: 'One page of attempts, newest first', schema: DeliveryAttemptPage } },
  errors: [404],
} as const satisfies RouteSpec;
