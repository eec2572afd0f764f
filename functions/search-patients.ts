import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { OrgPath } from '#shared/schemas/common.ts';
import { SearchPatientsQuery } from '#shared/schemas/patients.ts';
import { searchPatients } from '#shared/domain/patients.ts';

export const handler = apiHandler(routes.searchPatients, { params: OrgPath, query: SearchPatientsQuery }, async ({ query, principal }) =>
  ok(await searchPatients(principal.orgId, query)),
);
