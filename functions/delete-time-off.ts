import { deleteTimeOff as route } from '#shared/routes/delete-time-off.ts';
import { apiHandler, noContent } from '#shared/http/handler.ts';
import { deleteTimeOff } from '#shared/domain/schedule.ts';

export const handler = apiHandler(route, async ({ params, principal }) => {
  await deleteTimeOff(principal.orgId, params.time_off_uuid);
  return noContent();
});
