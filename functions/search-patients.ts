import { searchPatients as route } from '#shared/routes/search-patients.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { searchPatients } from '#shared/domain/patients.ts';

export const handler = apiHandler(route, async ({ query, principal, actor }) =>
  ok(await searchPatients(principal.orgId, query, actor)),
);
