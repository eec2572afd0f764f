import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { AppointmentType, CreateAppointmentTypeBody } from '../schemas/appointment-types.ts';

export const createAppointmentType = {
  method: 'POST',
  path: `${V1}/appointment-types`,
  handler: 'create-appointment-type',
  tag: 'Scheduling',
  summary: 'Create an appointment type',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: OrgPath, body: CreateAppointmentTypeBody },
  responses: { 201: { description: 'The appointment type', schema: AppointmentType, headers: { Location: 'Its URL' } } },
  errors: [409],
} as const satisfies RouteSpec;
