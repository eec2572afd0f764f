import { listWebhookDeliveries as route } from '#shared/routes/list-webhook-deliveries.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listDeliveries } from '#shared/domain/webhooks.ts';

export const handler = apiHandler(route, async ({ params, query, principal }) => ok(await listDeliveries(principal.orgId, params.webhook_uuid, query)));
