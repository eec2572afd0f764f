import { listLocations as route } from '#shared/routes/list-locations.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listLocations } from '#shared/domain/locations.ts';

export const handler = apiHandler(route, async ({ principal }) => ok(await listLocations(principal.orgId)));
