import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { updateSettings } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.updateSettings, async ({ body, principal }) =>
  ok(await updateSettings(principal.orgId, body)),
);
