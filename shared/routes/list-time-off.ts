import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { ListTimeOffQuery, TimeOffList } from '../schemas/time-off.ts';

export const listTimeOff = {
  method: 'GET',
  path: `${V1}/time-off`,
  handler: 'list-time-off',
  tag: 'Practice setup',
  summary: 'Time off of a provider or an operatory in a date range',
  scope: 'read',
  scopes: ['read', 'admin'],
  table: 'read',
  request: { params: OrgPath, query: ListTimeOffQuery },
  responses: { 200: { description: 'Time off overlapping the range, by start', schema: TimeOffList } },
  errors: [422],
} as const satisfies RouteSpec;
