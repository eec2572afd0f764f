import { updateSettings as route } from '#shared/routes/update-settings.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { updateSettings } from '#shared/domain/settings.ts';

export const handler = apiHandler(route, async ({ body, principal }) =>
  ok(await updateSettings(principal.orgId, body)),
);
