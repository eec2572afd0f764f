import { pathOf, routes } from '#shared/routes.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createPatient } from '#shared/domain/patients.ts';

export const handler = apiHandler(routes.createPatient, async ({ body, principal }) => {
  const patient = await createPatient(principal.orgId, body);
  return created(patient, pathOf(routes.getPatient, { org_id: principal.orgId, patient_uuid: patient.uuid }));
});
