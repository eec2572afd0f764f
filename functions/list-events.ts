import { listEvents as route } from '#shared/routes/list-events.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listEvents } from '#shared/domain/event-feed.ts';

export const handler = apiHandler(route, async ({ query, principal }) => ok(await listEvents(principal.orgId, query)));
