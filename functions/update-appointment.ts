import { updateAppointment as route } from '#shared/routes/update-appointment.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { updateAppointment } from '#shared/domain/appointment-changes.ts';

export const handler = apiHandler(route, async ({ params, headers, body, principal, actor }) => {
  const { appointment, etag } = await updateAppointment(principal.orgId, actor, params.appointment_uuid, body, { ifMatch: headers['if-match'] });
  return ok(appointment, { etag });
});
