import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { updateAppointment } from '#shared/domain/appointment-changes.ts';

export const handler = apiHandler(routes.updateAppointment, async ({ params, headers, body, principal }) => {
  const { appointment, etag } = await updateAppointment(principal.orgId, params.appointment_uuid, body, { ifMatch: headers['if-match'] });
  return ok(appointment, { etag });
});
