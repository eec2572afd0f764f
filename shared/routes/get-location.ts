import { V1, type RouteSpec } from './spec.ts';
import { Location, LocationPath } from '../schemas/locations.ts';

export const getLocation = {
  method: 'GET',
  path: `${V1}/locations/{location_uuid}`,
  handler: 'get-location',
  tag: 'Practice setup',
  summary: 'Read a location',
  scope: 'read',
  scopes: ['read', 'admin'],
  table: 'read',
  request: { params: LocationPath },
  responses: { 200: { description: 'The location', schema: Location } },
  errors: [404],
} as const satisfies RouteSpec;
