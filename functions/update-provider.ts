import { updateProvider as route } from '#shared/routes/update-provider.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { updateProvider } from '#shared/domain/providers.ts';

export const handler = apiHandler(route, async ({ params, body, principal }) =>
  ok(await updateProvider(principal.orgId, params.provider_uuid, body)),
);
