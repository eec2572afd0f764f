import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { updateAppointment } from '#shared/domain/appointment-changes.ts';

export const handler = apiHandler(routes.updateAppointment, async ({ params, headers, body, principal, requestId }) => {
  const { appointment, etag } = await updateAppointment(principal.orgId, { tokenId: principal.tokenId, requestId }, params.appointment_uuid, body, { ifMatch: headers['if-match'] });
  return ok(appointment, { etag });
});
