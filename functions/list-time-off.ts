import { listTimeOff as route } from '#shared/routes/list-time-off.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listTimeOff } from '#shared/domain/schedule.ts';

export const handler = apiHandler(route, async ({ query, principal }) => ok(await listTimeOff(principal.orgId, query)));
