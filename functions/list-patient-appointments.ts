import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listPatientAppointments } from '#shared/domain/appointment-views.ts';

export const handler = apiHandler(routes.listPatientAppointments, async ({ params, query, principal, requestId }) =>
  ok(await listPatientAppointments(principal.orgId, params.patient_uuid, query, { tokenId: principal.tokenId, requestId })),
);
