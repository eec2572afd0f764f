import { routes } from '#shared/routes.ts';
import { apiHandler, noContent } from '#shared/http/handler.ts';
import { deleteTimeOff } from '#shared/domain/schedule.ts';

export const handler = apiHandler(routes.deleteTimeOff, async ({ params, principal }) => {
  await deleteTimeOff(principal.orgId, params.time_off_uuid);
  return noContent();
});
