import { updateAppointmentType as route } from '#shared/routes/update-appointment-type.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { updateAppointmentType } from '#shared/domain/appointment-types.ts';

export const handler = apiHandler(route, async ({ params, body, principal }) =>
  ok(await updateAppointmentType(principal.orgId, params.appointment_type_uuid, body)),
);
