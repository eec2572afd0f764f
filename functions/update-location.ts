import { updateLocation as route } from '#shared/routes/update-location.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { updateLocation } from '#shared/domain/locations.ts';

export const handler = apiHandler(route, async ({ params, body, principal }) =>
  ok(await updateLocation(principal.orgId, params.location_uuid, body)),
);
