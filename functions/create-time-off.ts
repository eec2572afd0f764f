import { routes } from '#shared/routes.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createTimeOff } from '#shared/domain/schedule.ts';

export const handler = apiHandler(routes.createTimeOff, async ({ body, principal }) => created(await createTimeOff(principal.orgId, body)));
