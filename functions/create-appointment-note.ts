import { randomUUID } from 'node:crypto';
import { pathOf } from '#shared/routes/spec.ts';
import { createAppointmentNote as route } from '#shared/routes/create-appointment-note.ts';
import { listAppointmentNotes as listRoute } from '#shared/routes/list-appointment-notes.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createAppointmentNote } from '#shared/domain/clinical-notes.ts';
import { idempotencyRequest } from '#shared/domain/idempotency.ts';

export const handler = apiHandler(route, async ({ params, body, headers, principal, actor }) => {
  const note = await createAppointmentNote(principal.orgId, params.appointment_uuid, body, randomUUID(), {
    idempotency: idempotencyRequest(headers['idempotency-key'], route.handler, body),
    actor,
  });
  return created(note, pathOf(listRoute, { org_id: principal.orgId, appointment_uuid: note.appointment_uuid }));
});
