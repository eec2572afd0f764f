import { V1, type RouteSpec } from './spec.ts';
import { IdempotencyHeaders, OrgPath } from '../schemas/common.ts';
import { Appointment, BookAppointmentBody } from '../schemas/appointments.ts';

export const bookAppointment = {
  method: 'POST',
  path: `${V1}/appointments`,
  handler: 'book-appointment',
  tag: 'Scheduling',
  summary: 'Book an appointment',
  description:
    'Books the provider and an operatory (the one named, or a free one of the location) for the window, atomically. `409` if either is already booked: `conflicts` names the resource and the appointment in the way. Adjacent windows never conflict.',
  scope: 'write',
  scopes: ['write'],
  table: 'read-write',
  audit: true,
  request: { params: OrgPath, headers: IdempotencyHeaders, body: BookAppointmentBody },
  responses: {
    201: { description: 'The appointment, booked', schema: Appointment, headers: { Location: 'The new appointment’s URL' } },
  },
  errors: [404, 409, 422],
} as const satisfies RouteSpec;
