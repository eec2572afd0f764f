import { pathOf, routes } from '#shared/routes.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createLocation } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.createLocation, async ({ body, principal }) => {
  const location = await createLocation(principal.orgId, body);
  return created(location, pathOf(routes.getLocation, { org_id: principal.orgId, location_uuid: location.uuid }));
});
