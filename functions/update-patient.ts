import { updatePatient as route } from '#shared/routes/update-patient.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { updatePatient } from '#shared/domain/patients.ts';

export const handler = apiHandler(route, async ({ params, headers, body, principal, actor }) => {
  const { patient, etag } = await updatePatient(principal.orgId, actor, params.patient_uuid, body, { ifMatch: headers['if-match'] });
  return ok(patient, { etag });
});
