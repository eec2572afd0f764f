import { pathOf } from '#shared/routes/spec.ts';
import { createProvider as route } from '#shared/routes/create-provider.ts';
import { getProvider as getProviderRoute } from '#shared/routes/get-provider.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createProvider } from '#shared/domain/providers.ts';

export const handler = apiHandler(route, async ({ body, principal }) => {
  const provider = await createProvider(principal.orgId, body);
  return created(provider, pathOf(getProviderRoute, { org_id: principal.orgId, provider_uuid: provider.uuid }));
});
