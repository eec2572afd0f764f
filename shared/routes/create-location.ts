import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { CreateLocationBody, Location } from '../schemas/locations.ts';

export const createLocation = {
  method: 'POST',
  path: `${V1}/locations`,
  handler: 'create-location',
  tag: 'Practice setup',
  summary: 'Create a location',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: OrgPath, body: CreateLocationBody },
  responses: { 201: { description: 'The location', schema: Location, headers: { Location: 'Its URL' } } },
  errors: [],
} as const satisfies RouteSpec;
