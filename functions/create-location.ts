import { pathOf } from '#shared/routes/spec.ts';
import { createLocation as route } from '#shared/routes/create-location.ts';
import { getLocation as getLocationRoute } from '#shared/routes/get-location.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createLocation } from '#shared/domain/locations.ts';

export const handler = apiHandler(route, async ({ body, principal }) => {
  const location = await createLocation(principal.orgId, body);
  return created(location, pathOf(getLocationRoute, { org_id: principal.orgId, location_uuid: location.uuid }));
});
