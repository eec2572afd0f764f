import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { OrgPath } from '#shared/schemas/common.ts';
import { ListAppointmentTypesQuery } from '#shared/schemas/appointment-types.ts';
import { listAppointmentTypes } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.listAppointmentTypes, { params: OrgPath, query: ListAppointmentTypesQuery }, async ({ query, principal }) =>
  ok(await listAppointmentTypes(principal.orgId, query)),
);
