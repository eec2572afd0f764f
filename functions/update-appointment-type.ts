import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { updateAppointmentType } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.updateAppointmentType, async ({ params, body, principal }) =>
  ok(await updateAppointmentType(principal.orgId, params.appointment_type_uuid, body)),
);
