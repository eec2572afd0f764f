import { createOperatory as route } from '#shared/routes/create-operatory.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createOperatory } from '#shared/domain/operatories.ts';

/** No route reads one operatory, so the 201 carries no Location. */
export const handler = apiHandler(route, async ({ params, body, principal }) =>
  created(await createOperatory(principal.orgId, { location_uuid: params.location_uuid, name: body.name })),
);
