import { getPatient as route } from '#shared/routes/get-patient.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getPatient } from '#shared/domain/patients.ts';

export const handler = apiHandler(route, async ({ params, principal, actor }) => {
  const { patient, etag } = await getPatient(principal.orgId, params.patient_uuid, actor);
  return ok(patient, { etag });
});
