import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listOperatories } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.listOperatories, async ({ params, principal }) =>
  ok(await listOperatories(principal.orgId, params.location_uuid)),
);
