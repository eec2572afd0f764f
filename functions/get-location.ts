import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getLocation } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.getLocation, async ({ params, principal }) =>
  ok(await getLocation(principal.orgId, params.location_uuid)),
);
