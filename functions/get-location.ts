import { getLocation as route } from '#shared/routes/get-location.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getLocation } from '#shared/domain/locations.ts';

export const handler = apiHandler(route, async ({ params, principal }) =>
  ok(await getLocation(principal.orgId, params.location_uuid)),
);
