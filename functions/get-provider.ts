import { getProvider as route } from '#shared/routes/get-provider.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getProvider } from '#shared/domain/providers.ts';

export const handler = apiHandler(route, async ({ params, principal }) =>
  ok(await getProvider(principal.orgId, params.provider_uuid)),
);
