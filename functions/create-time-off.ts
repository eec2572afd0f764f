import { pathOf } from '#shared/routes/spec.ts';
import { createTimeOff as route } from '#shared/routes/create-time-off.ts';
import { listTimeOff as listRoute } from '#shared/routes/list-time-off.ts';
import { apiHandler, created } from '#shared/http/handler.ts';
import { createTimeOff } from '#shared/domain/schedule.ts';

/** No route reads one time off, so `Location` is the time-off list of its provider or chair over its dates (which lists it). */
export const handler = apiHandler(route, async ({ body, principal }) => {
  const timeOff = await createTimeOff(principal.orgId, body);
  const whose: Record<string, string> = timeOff.provider_uuid ? { provider_uuid: timeOff.provider_uuid } : { operatory_uuid: timeOff.operatory_uuid!, location_uuid: timeOff.location_uuid };
  const query = new URLSearchParams({ ...whose, date_from: timeOff.start.slice(0, 10), date_to: timeOff.end.slice(0, 10) });
  return created(timeOff, `${pathOf(listRoute, { org_id: principal.orgId })}?${query}`);
});
