import { testWebhook as route } from '#shared/routes/test-webhook.ts';
import { apiHandler } from '#shared/http/handler.ts';
import { sendTestEvent } from '#shared/domain/webhooks.ts';

export const handler = apiHandler(route, async ({ params, principal }) => ({ status: 202, body: await sendTestEvent(principal.orgId, params.webhook_uuid) }));
