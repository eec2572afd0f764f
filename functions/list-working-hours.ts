import { listWorkingHours as route } from '#shared/routes/list-working-hours.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listWorkingHours } from '#shared/domain/schedule.ts';

export const handler = apiHandler(route, async ({ params, principal }) => ok(await listWorkingHours(principal.orgId, params.provider_uuid)));
