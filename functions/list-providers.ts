import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listProviders } from '#shared/domain/practice.ts';

export const handler = apiHandler(routes.listProviders, async ({ query, principal }) =>
  ok(await listProviders(principal.orgId, query)),
);
