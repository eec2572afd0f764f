import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { replaceWorkingHours } from '#shared/domain/schedule.ts';

export const handler = apiHandler(routes.putWorkingHours, async ({ params, body, principal }) =>
  ok(await replaceWorkingHours(principal.orgId, params.provider_uuid, params.location_uuid, body)),
);
