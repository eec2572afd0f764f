import { deleteWebhook as route } from '#shared/routes/delete-webhook.ts';
import { apiHandler, noContent } from '#shared/http/handler.ts';
import { deleteWebhook } from '#shared/domain/webhooks.ts';

export const handler = apiHandler(route, async ({ params, principal }) => {
  await deleteWebhook(principal.orgId, params.webhook_uuid);
  return noContent();
});
