import { whoami as route } from '#shared/routes/whoami.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { whoami } from '#shared/domain/whoami.ts';

export const handler = apiHandler(route, async ({ principal }) => ok(await whoami(principal)));
