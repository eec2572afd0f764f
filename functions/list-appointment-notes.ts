import { listAppointmentNotes as route } from '#shared/routes/list-appointment-notes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listAppointmentNotes } from '#shared/domain/clinical-notes.ts';

export const handler = apiHandler(route, async ({ params, query, principal, actor }) =>
  ok(await listAppointmentNotes(principal.orgId, params.appointment_uuid, query, actor)),
);
