import { V1, type RouteSpec } from './spec.ts';
import { IfMatchHeaders } from '../schemas/common.ts';
import { Appointment, AppointmentPath, UpdateAppointmentBody } from '../schemas/appointments.ts';

export const updateAppointment = {
  method: 'PATCH',
  path: `${V1}/appointments/{appointment_uuid}`,
  handler: 'update-appointment',
  tag: 'Scheduling',
  summary: 'Reschedule or edit an appointment',
  description:
    'Changes the window, provider, operatory, type or notes of a scheduled or confirmed appointment. A move is one transaction that releases the slots no longer covered and takes the new ones — only the difference, so 10:00–11:00 → 10:30–11:30 never conflicts with itself. On a conflict nothing changes and the 409 names the appointment in the way. The uuid stays the same.',
  scope: 'write',
  scopes: ['write'],
  table: 'read-write',
  audit: true,
  request: { params: AppointmentPath, headers: IfMatchHeaders, body: UpdateAppointmentBody },
  responses: { 200: { description: 'The appointment, changed', schema: Appointment, headers: { ETag: 'Its new version' } } },
  errors: [404, 409, 412, 422],
} as const satisfies RouteSpec;
