import { listAppointments as route } from '#shared/routes/list-appointments.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listAppointments } from '#shared/domain/appointment-views.ts';

export const handler = apiHandler(route, async ({ query, principal }) => ok(await listAppointments(principal.orgId, query)));
