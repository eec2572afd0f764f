import { listAppointmentTypes as route } from '#shared/routes/list-appointment-types.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listAppointmentTypes } from '#shared/domain/appointment-types.ts';

export const handler = apiHandler(route, async ({ query, principal }) =>
  ok(await listAppointmentTypes(principal.orgId, query)),
);
