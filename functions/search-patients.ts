import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { searchPatients } from '#shared/domain/patients.ts';

export const handler = apiHandler(routes.searchPatients, async ({ query, principal, requestId }) =>
  ok(await searchPatients(principal.orgId, query, { tokenId: principal.tokenId, requestId })),
);
