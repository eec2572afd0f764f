import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listLocations } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.listLocations, async ({ principal }) => ok(await listLocations(principal.orgId)));
