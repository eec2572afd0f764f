import { V1, type RouteSpec } from './spec.ts';
import { WebhookPath } from '../schemas/webhooks.ts';

export const deleteWebhook = {
  method: 'DELETE',
  path: `${V1}/webhooks/{webhook_uuid}`,
  handler: 'delete-webhook',
  tag: 'Events and webhooks',
  summary: 'Remove a webhook endpoint',
  description: 'Nothing more is sent to it. Its delivery log stays readable (`…/deliveries`) until it expires, 30 days after each attempt.',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: WebhookPath },
  responses: { 204: { description: 'Removed' } },
  errors: [404],
} as const satisfies RouteSpec;
