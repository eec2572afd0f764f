import { pathOf, routes } from '#shared/routes.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createAppointmentType } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.createAppointmentType, async ({ body, principal }) => {
  const type = await createAppointmentType(principal.orgId, body);
  return created(type, pathOf(routes.getAppointmentType, { org_id: principal.orgId, appointment_type_uuid: type.uuid }));
});
