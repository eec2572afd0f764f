import { randomUUID } from 'node:crypto';
import { pathOf, routes } from '#shared/routes.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createPatient } from '#shared/domain/patients.ts';
import { idempotencyRequest } from '#shared/domain/idempotency.ts';

export const handler = apiHandler(routes.createPatient, async ({ body, headers, principal, requestId }) => {
  const patient = await createPatient(principal.orgId, body, randomUUID(), {
    idempotency: idempotencyRequest(headers['idempotency-key'], routes.createPatient.handler, body),
    actor: { tokenId: principal.tokenId, requestId },
  });
  return created(patient, pathOf(routes.getPatient, { org_id: principal.orgId, patient_uuid: patient.uuid }));
});
