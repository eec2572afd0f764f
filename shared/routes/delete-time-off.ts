import { V1, type RouteSpec } from './spec.ts';
import { TimeOffPath } from '../schemas/time-off.ts';

export const deleteTimeOff = {
  method: 'DELETE',
  path: `${V1}/time-off/{time_off_uuid}`,
  handler: 'delete-time-off',
  tag: 'Practice setup',
  summary: 'Remove time off',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: TimeOffPath },
  responses: { 204: { description: 'Removed' } },
  errors: [404],
} as const satisfies RouteSpec;
