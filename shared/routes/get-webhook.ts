import { V1, type RouteSpec } from './spec.ts';
import { WebhookEndpoint, WebhookPath } from '../schemas/webhooks.ts';

export const getWebhook = {
  method: 'GET',
  path: `${V1}/webhooks/{webhook_uuid}`,
  handler: 'get-webhook',
  tag: 'Events and webhooks',
  summary: 'Read a webhook endpoint',
  description: 'Whether it is active, and if the system disabled it, why (`disabled_reason`) and since when it was failing. Its secret is never shown.',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read',
  request: { params: WebhookPath },
  responses: { 200: { description: 'The endpoint', schema: WebhookEndpoint, headers: { ETag: 'Its version, for If-Match' } } },
  errors: [404],
} as const satisfies RouteSpec;
