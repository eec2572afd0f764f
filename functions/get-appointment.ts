import { getAppointment as route } from '#shared/routes/get-appointment.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getAppointment } from '#shared/domain/appointments.ts';

export const handler = apiHandler(route, async ({ params, principal }) => {
  const { appointment, etag } = await getAppointment(principal.orgId, params.appointment_uuid);
  return ok(appointment, { etag });
});
