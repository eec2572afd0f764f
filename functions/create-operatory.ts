import { pathOf } from '#shared/routes/spec.ts';
import { createOperatory as route } from '#shared/routes/create-operatory.ts';
import { listOperatories as listRoute } from '#shared/routes/list-operatories.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createOperatory } from '#shared/domain/operatories.ts';

/** No route reads one operatory, so `Location` is the location's list of operatories. */
export const handler = apiHandler(route, async ({ params, body, principal }) =>
  created(
    await createOperatory(principal.orgId, { location_uuid: params.location_uuid, name: body.name }),
    pathOf(listRoute, { org_id: principal.orgId, location_uuid: params.location_uuid }),
  ),
);
