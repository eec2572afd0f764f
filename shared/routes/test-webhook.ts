import { V1, type RouteSpec } from './spec.ts';
import { EmptyBody, TestEventSent, WebhookPath } from '../schemas/webhooks.ts';

export const testWebhook = {
  method: 'POST',
  path: `${V1}/webhooks/{webhook_uuid}/test`,
  handler: 'test-webhook',
  tag: 'Events and webhooks',
  summary: 'Send a test event to a webhook endpoint',
  description:
    'Send `{}`. A `webhook.test` event (`data: { endpoint_uuid }`) is delivered to this endpoint only, signed and retried like any other; its attempts show in the endpoint’s delivery log. An inactive endpoint is a 409: activate it first.',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: WebhookPath, body: EmptyBody },
  responses: { 202: { description: 'The test event, on its way', schema: TestEventSent } },
  errors: [404, 409],
} as const satisfies RouteSpec;
