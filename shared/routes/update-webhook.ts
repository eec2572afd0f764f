import { V1, type RouteSpec } from './spec.ts';
import { IfMatchHeaders } from '../schemas/common.ts';
import { UpdateWebhookBody, WebhookEndpoint, WebhookPath } from '../schemas/webhooks.ts';

export const updateWebhook = {
  method: 'PATCH',
  path: `${V1}/webhooks/{webhook_uuid}`,
  handler: 'update-webhook',
  tag: 'Events and webhooks',
  summary: 'Change, pause or reactivate a webhook endpoint',
  description:
    'Any of `url`, `event_types`, `description` (`null` clears it) and `active`. `active: false` stops deliveries; `active: true` starts them again and clears why the system had disabled the endpoint (a 410 from the receiver, or three days of failures). The URL rules of the create apply (422 naming `body.url`). Send the ETag of the last read as `If-Match` and a change made in between is a 412; without it the change applies to the current version.',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: WebhookPath, headers: IfMatchHeaders, body: UpdateWebhookBody },
  responses: { 200: { description: 'The endpoint, changed', schema: WebhookEndpoint, headers: { ETag: 'Its new version' } } },
  errors: [404, 412, 422],
} as const satisfies RouteSpec;
