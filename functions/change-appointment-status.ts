import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { changeAppointmentStatus } from '#shared/domain/appointment-changes.ts';

export const handler = apiHandler(routes.changeAppointmentStatus, async ({ params, headers, body, principal, requestId }) => {
  const { appointment, etag } = await changeAppointmentStatus(principal.orgId, { tokenId: principal.tokenId, requestId }, params.appointment_uuid, body, { ifMatch: headers['if-match'] });
  return ok(appointment, { etag });
});
