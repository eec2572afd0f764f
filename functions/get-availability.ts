import { getAvailability as route } from '#shared/routes/get-availability.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { getAvailability } from '#shared/domain/open-time.ts';

export const handler = apiHandler(route, async ({ query, principal }) => ok(await getAvailability(principal.orgId, query)));
