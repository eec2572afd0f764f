import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getAvailability } from '#shared/domain/open-time.ts';

export const handler = apiHandler(routes.getAvailability, async ({ query, principal }) => ok(await getAvailability(principal.orgId, query)));
