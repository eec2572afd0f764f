import { V1, type RouteSpec } from './spec.ts';
import { ProviderPath } from '../schemas/providers.ts';
import { WorkingHoursList } from '../schemas/working-hours.ts';

export const listWorkingHours = {
  method: 'GET',
  path: `${V1}/providers/{provider_uuid}/working-hours`,
  handler: 'list-working-hours',
  tag: 'Practice setup',
  summary: "A provider's working hours at each location",
  scope: 'read',
  scopes: ['read', 'admin'],
  table: 'read',
  request: { params: ProviderPath },
  responses: { 200: { description: 'Working hours per location', schema: WorkingHoursList } },
  errors: [404],
} as const satisfies RouteSpec;
