import { retryWebhookDelivery as route } from '#shared/routes/retry-webhook-delivery.ts';
import { apiHandler } from '#shared/http/handler.ts';
import { retryDelivery } from '#shared/domain/webhooks.ts';

export const handler = apiHandler(route, async ({ params, principal }) => ({ status: 202, body: await retryDelivery(principal.orgId, params.delivery_uuid) }));
