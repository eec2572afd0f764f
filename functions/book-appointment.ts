import { pathOf, routes } from '#shared/routes.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { bookAppointment } from '#shared/domain/appointments.ts';
import { idempotencyRequest } from '#shared/domain/idempotency.ts';

export const handler = apiHandler(routes.bookAppointment, async ({ body, headers, principal, requestId }) => {
  const appointment = await bookAppointment(principal.orgId, { tokenId: principal.tokenId, requestId }, body, {
    idempotency: idempotencyRequest(headers['idempotency-key'], routes.bookAppointment.handler, body),
  });
  return created(appointment, pathOf(routes.getAppointment, { org_id: principal.orgId, appointment_uuid: appointment.uuid }));
});
