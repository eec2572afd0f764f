import { V1, type RouteSpec } from './spec.ts';
import { CreateOperatoryBody, Operatory } from '../schemas/operatories.ts';
import { LocationPath } from '../schemas/locations.ts';

export const createOperatory = {
  method: 'POST',
  path: `${V1}/locations/{location_uuid}/operatories`,
  handler: 'create-operatory',
  tag: 'Practice setup',
  summary: 'Add an operatory (chair) to a location',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: LocationPath, body: CreateOperatoryBody },
  responses: { 201: { description: 'The operatory', schema: Operatory, headers: { Location: 'The location’s operatories (no route reads one operatory)' } } },
  errors: [404, 422],
} as const satisfies RouteSpec;
