import { getAppointmentType as route } from '#shared/routes/get-appointment-type.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getAppointmentType } from '#shared/domain/appointment-types.ts';

export const handler = apiHandler(route, async ({ params, principal }) =>
  ok(await getAppointmentType(principal.orgId, params.appointment_type_uuid)),
);
