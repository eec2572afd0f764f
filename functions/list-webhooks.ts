import { listWebhooks as route } from '#shared/routes/list-webhooks.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listWebhooks } from '#shared/domain/webhooks.ts';

export const handler = apiHandler(route, async ({ principal }) => ok(await listWebhooks(principal.orgId)));
