import { V1, type RouteSpec } from './spec.ts';
import { Location, LocationPath, UpdateLocationBody } from '../schemas/locations.ts';

export const updateLocation = {
  method: 'PATCH',
  path: `${V1}/locations/{location_uuid}`,
  handler: 'update-location',
  tag: 'Practice setup',
  summary: 'Change a location',
  description: 'Booked appointments keep the time zone they were booked in.',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: LocationPath, body: UpdateLocationBody },
  responses: { 200: { description: 'The location, changed', schema: Location } },
  errors: [404],
} as const satisfies RouteSpec;
