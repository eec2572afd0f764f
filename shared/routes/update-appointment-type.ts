import { V1, type RouteSpec } from './spec.ts';
import { AppointmentType, AppointmentTypePath, UpdateAppointmentTypeBody } from '../schemas/appointment-types.ts';

export const updateAppointmentType = {
  method: 'PATCH',
  path: `${V1}/appointment-types/{appointment_type_uuid}`,
  handler: 'update-appointment-type',
  tag: 'Scheduling',
  summary: 'Change or archive an appointment type',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: AppointmentTypePath, body: UpdateAppointmentTypeBody },
  responses: { 200: { description: 'The appointment type, changed', schema: AppointmentType } },
  errors: [404, 409],
} as const satisfies RouteSpec;
