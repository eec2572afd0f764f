import { updateWebhook as route } from '#shared/routes/update-webhook.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { updateWebhook } from '#shared/domain/webhooks.ts';

export const handler = apiHandler(route, async ({ params, headers, body, principal }) => {
  const { endpoint, etag } = await updateWebhook(principal.orgId, params.webhook_uuid, body, { ifMatch: headers['if-match'] });
  return ok(endpoint, { etag });
});
