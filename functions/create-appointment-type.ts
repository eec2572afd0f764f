import { pathOf } from '#shared/routes/spec.ts';
import { createAppointmentType as route } from '#shared/routes/create-appointment-type.ts';
import { getAppointmentType as getAppointmentTypeRoute } from '#shared/routes/get-appointment-type.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createAppointmentType } from '#shared/domain/appointment-types.ts';

export const handler = apiHandler(route, async ({ body, principal }) => {
  const type = await createAppointmentType(principal.orgId, body);
  return created(type, pathOf(getAppointmentTypeRoute, { org_id: principal.orgId, appointment_type_uuid: type.uuid }));
});
