import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listAppointmentTypes } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.listAppointmentTypes, async ({ query, principal }) =>
  ok(await listAppointmentTypes(principal.orgId, query)),
);
