import { getSettings as route } from '#shared/routes/get-settings.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getSettings } from '#shared/domain/settings.ts';

export const handler = apiHandler(route, async ({ principal }) => ok(await getSettings(principal.orgId)));
