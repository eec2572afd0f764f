import { pathOf, routes } from '#shared/routes.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { OrgPath } from '#shared/schemas/common.ts';
import { CreatePatientBody } from '#shared/schemas/patients.ts';
import { createPatient } from '#shared/domain/patients.ts';

export const handler = apiHandler(routes.createPatient, { params: OrgPath, body: CreatePatientBody }, async ({ body, principal }) => {
  const patient = await createPatient(principal.orgId, body);
  return created(patient, pathOf(routes.getPatient, { org_id: principal.orgId, patient_uuid: patient.uuid }));
});
