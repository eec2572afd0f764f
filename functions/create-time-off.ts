import { createTimeOff as route } from '#shared/routes/create-time-off.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createTimeOff } from '#shared/domain/schedule.ts';

export const handler = apiHandler(route, async ({ body, principal }) => created(await createTimeOff(principal.orgId, body)));
