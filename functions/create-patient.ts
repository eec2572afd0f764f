import { randomUUID } from 'node:crypto';
import { pathOf } from '#shared/routes/spec.ts';
import { createPatient as route } from '#shared/routes/create-patient.ts';
import { getPatient as getPatientRoute } from '#shared/routes/get-patient.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createPatient } from '#shared/domain/patients.ts';
import { idempotencyRequest } from '#shared/domain/idempotency.ts';

export const handler = apiHandler(route, async ({ body, headers, principal, actor }) => {
  const patient = await createPatient(principal.orgId, body, randomUUID(), {
    idempotency: idempotencyRequest(headers['idempotency-key'], route.handler, body),
    actor,
  });
  return created(patient, pathOf(getPatientRoute, { org_id: principal.orgId, patient_uuid: patient.uuid }));
});
