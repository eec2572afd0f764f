import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getProvider } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.getProvider, async ({ params, principal }) =>
  ok(await getProvider(principal.orgId, params.provider_uuid)),
);
