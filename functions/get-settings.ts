import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getSettings } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.getSettings, async ({ principal }) => ok(await getSettings(principal.orgId)));
