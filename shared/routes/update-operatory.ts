import { V1, type RouteSpec } from './spec.ts';
import { Operatory, OperatoryPath, UpdateOperatoryBody } from '../schemas/operatories.ts';

export const updateOperatory = {
  method: 'PATCH',
  path: `${V1}/locations/{location_uuid}/operatories/{operatory_uuid}`,
  handler: 'update-operatory',
  tag: 'Practice setup',
  summary: 'Rename or deactivate an operatory',
  description:
    'Deactivating an operatory that future live appointments use is refused with 409 `has-appointments`, naming each in `conflicts`: move or cancel them first. A deactivated operatory takes no new bookings.',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: OperatoryPath, body: UpdateOperatoryBody },
  responses: { 200: { description: 'The operatory, changed', schema: Operatory } },
  errors: [404, 409],
} as const satisfies RouteSpec;
