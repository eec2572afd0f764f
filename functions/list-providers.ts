import { listProviders as route } from '#shared/routes/list-providers.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listProviders } from '#shared/domain/providers.ts';

export const handler = apiHandler(route, async ({ query, principal }) =>
  ok(await listProviders(principal.orgId, query)),
);
