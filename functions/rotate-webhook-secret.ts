import { rotateWebhookSecret as route } from '#shared/routes/rotate-webhook-secret.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { rotateWebhookSecret } from '#shared/domain/webhooks.ts';

export const handler = apiHandler(route, async ({ params, principal }) => ok(await rotateWebhookSecret(principal.orgId, params.webhook_uuid)));
