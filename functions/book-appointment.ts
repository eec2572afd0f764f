import { pathOf } from '#shared/routes/spec.ts';
import { bookAppointment as route } from '#shared/routes/book-appointment.ts';
import { getAppointment as getAppointmentRoute } from '#shared/routes/get-appointment.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { bookAppointment } from '#shared/domain/appointments.ts';
import { idempotencyRequest } from '#shared/domain/idempotency.ts';

export const handler = apiHandler(route, async ({ body, headers, principal, actor }) => {
  const appointment = await bookAppointment(principal.orgId, actor, body, {
    idempotency: idempotencyRequest(headers['idempotency-key'], route.handler, body),
  });
  return created(appointment, pathOf(getAppointmentRoute, { org_id: principal.orgId, appointment_uuid: appointment.uuid }));
});
