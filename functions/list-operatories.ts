import { listOperatories as route } from '#shared/routes/list-operatories.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listOperatories } from '#shared/domain/operatories.ts';

export const handler = apiHandler(route, async ({ params, principal }) =>
  ok(await listOperatories(principal.orgId, params.location_uuid)),
);
