import { pathOf, routes } from '#shared/routes.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { bookAppointment } from '#shared/domain/appointments.ts';

export const handler = apiHandler(routes.bookAppointment, async ({ body, principal }) => {
  const appointment = await bookAppointment(principal.orgId, principal.tokenId, body);
  return created(appointment, pathOf(routes.getAppointment, { org_id: principal.orgId, appointment_uuid: appointment.uuid }));
});
