import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listTimeOff } from '#shared/domain/schedule.ts';

export const handler = apiHandler(routes.listTimeOff, async ({ query, principal }) => ok(await listTimeOff(principal.orgId, query)));
