import { listAudit as route } from '#shared/routes/list-audit.ts';
import { apiHandler, ok } from '#shared/http/handler.ts';
import { listAudit } from '#shared/domain/audit.ts';

export const handler = apiHandler(route, async ({ query, principal }) => ok(await listAudit(principal.orgId, query)));
