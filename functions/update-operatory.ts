import { updateOperatory as route } from '#shared/routes/update-operatory.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { updateOperatory } from '#shared/domain/operatories.ts';

export const handler = apiHandler(route, async ({ params, body, principal }) =>
  ok(await updateOperatory(principal.orgId, params.location_uuid, params.operatory_uuid, body)),
);
