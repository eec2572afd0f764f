import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { Availability, AvailabilityQuery } from '../schemas/availability.ts';

export const getAvailability = {
  method: 'GET',
  path: `${V1}/schedule/availability`,
  handler: 'get-availability',
  tag: 'Scheduling',
  summary: 'Open time to book',
  description:
    'Windows of the appointment type’s length (or `duration_minutes`) on the practice’s grid, in the location’s local time, each with a provider who works then and has it free and the operatories free for the whole window. Every window returned books at that moment. For a type with `requires_exam`, only providers who can examine (`can_examine`) are offered; naming one who cannot is a 422. At most 14 days per request.',
  scope: 'read',
  scopes: ['read'],
  table: 'read',
  request: { params: OrgPath, query: AvailabilityQuery },
  responses: { 200: { description: 'The open windows, by start', schema: Availability } },
  errors: [422],
} as const satisfies RouteSpec;
