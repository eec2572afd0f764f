import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listAppointments } from '#shared/domain/appointment-views.ts';

export const handler = apiHandler(routes.listAppointments, async ({ query, principal }) => ok(await listAppointments(principal.orgId, query)));
