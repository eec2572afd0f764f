import { pathOf, routes } from '#shared/routes.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createProvider } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.createProvider, async ({ body, principal }) => {
  const provider = await createProvider(principal.orgId, body);
  return created(provider, pathOf(routes.getProvider, { org_id: principal.orgId, provider_uuid: provider.uuid }));
});
