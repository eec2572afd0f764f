import { pathOf } from '#shared/routes/spec.ts';
import { createWebhook as route } from '#shared/routes/create-webhook.ts';
import { getWebhook as getRoute } from '#shared/routes/get-webhook.ts';
import { apiHandler } from '#shared/http/handler.ts';
import { createWebhook } from '#shared/domain/webhooks.ts';
import { idempotencyRequest } from '#shared/domain/idempotency.ts';

export const handler = apiHandler(route, async ({ body, headers, principal }) => {
  const { endpoint, etag } = await createWebhook(principal.orgId, body, { idempotency: idempotencyRequest(headers['idempotency-key'], route.handler, body) });
  return { status: 201, body: endpoint, headers: { location: pathOf(getRoute, { org_id: principal.orgId, webhook_uuid: endpoint.uuid }), etag } };
});
