import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listWorkingHours } from '#shared/domain/schedule.ts';

export const handler = apiHandler(routes.listWorkingHours, async ({ params, principal }) => ok(await listWorkingHours(principal.orgId, params.provider_uuid)));
