import { V1, type RouteSpec } from './spec.ts';
import { LocationPath } from '../schemas/locations.ts';
import { OperatoryList } from '../schemas/operatories.ts';

export const listOperatories = {
  method: 'GET',
  path: `${V1}/locations/{location_uuid}/operatories`,
  handler: 'list-operatories',
  tag: 'Practice setup',
  summary: "List a location's operatories",
  scope: 'read',
  scopes: ['read', 'admin'],
  table: 'read',
  request: { params: LocationPath },
  responses: { 200: { description: 'The operatories, by name', schema: OperatoryList } },
  errors: [404],
} as const satisfies RouteSpec;
