import { listPatientAppointments as route } from '#shared/routes/list-patient-appointments.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listPatientAppointments } from '#shared/domain/appointment-views.ts';

export const handler = apiHandler(route, async ({ params, query, principal, actor }) =>
  ok(await listPatientAppointments(principal.orgId, params.patient_uuid, query, actor)),
);
