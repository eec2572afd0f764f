import { V1, type RouteSpec } from './spec.ts';
import { Appointment, AppointmentPath } from '../schemas/appointments.ts';

export const getAppointment = {
  method: 'GET',
  path: `${V1}/appointments/{appointment_uuid}`,
  handler: 'get-appointment',
  tag: 'Scheduling',
  summary: 'Read an appointment',
  scope: 'read',
  scopes: ['read'],
  table: 'read',
  request: { params: AppointmentPath },
  responses: { 200: { description: 'The appointment', schema: Appointment, headers: { ETag: 'Its version, for If-Match' } } },
  errors: [404],
} as const satisfies RouteSpec;
