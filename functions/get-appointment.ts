import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getAppointment } from '#shared/domain/appointments.ts';

export const handler = apiHandler(routes.getAppointment, async ({ params, principal }) => {
  const { appointment, etag } = await getAppointment(principal.orgId, params.appointment_uuid);
  return ok(appointment, { etag });
});
