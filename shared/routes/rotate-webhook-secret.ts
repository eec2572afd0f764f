import { V1, type RouteSpec } from './spec.ts';
import { EmptyBody, RotatedSecret, WebhookPath } from '../schemas/webhooks.ts';

export const rotateWebhookSecret = {
  method: 'POST',
  path: `${V1}/webhooks/{webhook_uuid}/rotate-secret`,
  handler: 'rotate-webhook-secret',
  tag: 'Events and webhooks',
  summary: 'Give a webhook endpoint a new signing secret',
  description:
    'Send `{}`. The new secret is shown only in this answer. For 24 hours the previous one signs too (two signatures in `webhook-signature`), so the receiver can switch without losing a delivery.',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  webhookKey: true,
  request: { params: WebhookPath, body: EmptyBody },
  responses: { 200: { description: 'The new secret, and until when the previous one still signs', schema: RotatedSecret } },
  errors: [404],
} as const satisfies RouteSpec;
