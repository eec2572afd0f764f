import { V1, type RouteSpec } from './spec.ts';
import { PutWorkingHoursBody, WorkingHoursChange, WorkingHoursPath } from '../schemas/working-hours.ts';

export const putWorkingHours = {
  method: 'PUT',
  path: `${V1}/providers/{provider_uuid}/working-hours/{location_uuid}`,
  handler: 'put-working-hours',
  tag: 'Practice setup',
  summary: "Replace a provider's weekly hours at a location",
  description:
    'Local times of the location, per weekday; the whole week is replaced from `effective_from` on (today when absent). A future `effective_from` schedules the change: the hours in force stay until the day before, and bookings and availability use the hours in force on each date. Existing appointments are not moved: `affected_appointments` lists the future live ones the new hours leave outside.',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: WorkingHoursPath, body: PutWorkingHoursBody },
  responses: { 200: { description: 'The working hours, with the appointments they leave outside', schema: WorkingHoursChange } },
  errors: [404, 422],
} as const satisfies RouteSpec;
