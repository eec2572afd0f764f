import { getWebhook as route } from '#shared/routes/get-webhook.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getWebhook } from '#shared/domain/webhooks.ts';

export const handler = apiHandler(route, async ({ params, principal }) => {
  const { endpoint, etag } = await getWebhook(principal.orgId, params.webhook_uuid);
  return ok(endpoint, { etag });
});
