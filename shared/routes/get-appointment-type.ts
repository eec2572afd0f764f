import { V1, type RouteSpec } from './spec.ts';
import { AppointmentType, AppointmentTypePath } from '../schemas/appointment-types.ts';

export const getAppointmentType = {
  method: 'GET',
  path: `${V1}/appointment-types/{appointment_type_uuid}`,
  handler: 'get-appointment-type',
  tag: 'Scheduling',
  summary: 'Read an appointment type',
  scope: 'read',
  scopes: ['read', 'admin'],
  table: 'read',
  request: { params: AppointmentTypePath },
  responses: { 200: { description: 'The appointment type', schema: AppointmentType } },
  errors: [404],
} as const satisfies RouteSpec;
