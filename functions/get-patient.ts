import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getPatient } from '#shared/domain/patients.ts';

export const handler = apiHandler(routes.getPatient, async ({ params, principal, requestId }) =>
  ok(await getPatient(principal.orgId, params.patient_uuid, { tokenId: principal.tokenId, requestId })),
);
