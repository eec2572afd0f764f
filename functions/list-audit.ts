import { routes } from '#shared/routes.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listAudit } from '#shared/domain/audit.ts';

export const handler = apiHandler(routes.listAudit, async ({ query, principal }) => ok(await listAudit(principal.orgId, query)));
