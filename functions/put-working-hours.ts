import { putWorkingHours as route } from '#shared/routes/put-working-hours.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { replaceWorkingHours } from '#shared/domain/schedule.ts';

export const handler = apiHandler(route, async ({ params, body, principal }) =>
  ok(await replaceWorkingHours(principal.orgId, params.provider_uuid, params.location_uuid, body)),
);
