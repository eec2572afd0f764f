import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getAppointmentType } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.getAppointmentType, async ({ params, principal }) =>
  ok(await getAppointmentType(principal.orgId, params.appointment_type_uuid)),
);
