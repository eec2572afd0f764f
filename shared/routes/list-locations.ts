import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { LocationList } from '../schemas/locations.ts';

export const listLocations = {
  method: 'GET',
  path: `${V1}/locations`,
  handler: 'list-locations',
  tag: 'Practice setup',
  summary: 'List locations',
  scope: 'read',
  scopes: ['read', 'admin'],
  table: 'read',
  request: { params: OrgPath },
  responses: { 200: { description: 'The locations, by name', schema: LocationList } },
  errors: [],
} as const satisfies RouteSpec;
