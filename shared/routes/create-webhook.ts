import { V1, type RouteSpec } from './spec.ts';
import { IdempotencyHeaders, OrgPath } from '../schemas/common.ts';
import { CreatedWebhookEndpoint, CreateWebhookBody } from '../schemas/webhooks.ts';

export const createWebhook = {
  method: 'POST',
  path: `${V1}/webhooks`,
  handler: 'create-webhook',
  tag: 'Events and webhooks',
  summary: 'Add a webhook endpoint',
  description:
    'Events of the types it subscribes to are POSTed to the URL, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the `secret` of this answer — the only time it is shown: keep it. The URL must be `https://` and must not name a loopback, private or link-local address or carry a user or password (422 naming `body.url`); it is resolved and checked again at every delivery. At most 20 endpoints per organisation (422 beyond).',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  webhookKey: true,
  request: { params: OrgPath, headers: IdempotencyHeaders, body: CreateWebhookBody },
  responses: {
    201: { description: 'The endpoint, with its signing secret (shown only here)', schema: CreatedWebhookEndpoint, headers: { Location: 'The new endpoint’s URL', ETag: 'Its version, for If-Match' } },
  },
  errors: [422],
} as const satisfies RouteSpec;
