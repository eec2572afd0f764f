import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { CreateTimeOffBody, TimeOff } from '../schemas/time-off.ts';

export const createTimeOff = {
  method: 'POST',
  path: `${V1}/time-off`,
  handler: 'create-time-off',
  tag: 'Practice setup',
  summary: 'Block a provider or an operatory',
  description:
    'Local start and end at the location. Existing appointments in the block are not cancelled: `affected_appointments` lists the live ones it overlaps (the front desk calls those patients). Bookings and moves committed after it are refused with 422, however close in time; availability leaves it out.',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: OrgPath, body: CreateTimeOffBody },
  responses: { 201: { description: 'The time off', schema: TimeOff, headers: { Location: 'The time-off list of its provider or operatory over its dates, which lists it (no route reads one entry)' } } },
  errors: [422],
} as const satisfies RouteSpec;
