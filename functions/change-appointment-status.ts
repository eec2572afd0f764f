import { changeAppointmentStatus as route } from '#shared/routes/change-appointment-status.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { changeAppointmentStatus } from '#shared/domain/appointment-changes.ts';

export const handler = apiHandler(route, async ({ params, headers, body, principal, actor }) => {
  const { appointment, etag } = await changeAppointmentStatus(principal.orgId, actor, params.appointment_uuid, body, { ifMatch: headers['if-match'] });
  return ok(appointment, { etag });
});
