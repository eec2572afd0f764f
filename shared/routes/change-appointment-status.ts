import { V1, type RouteSpec } from './spec.ts';
import { IfMatchHeaders } from '../schemas/common.ts';
import { Appointment, AppointmentPath, ChangeStatusBody } from '../schemas/appointments.ts';

export const changeAppointmentStatus = {
  method: 'PATCH',
  path: `${V1}/appointments/{appointment_uuid}/status`,
  handler: 'change-appointment-status',
  tag: 'Scheduling',
  summary: 'Confirm, check in, complete, cancel or mark a no-show',
  description:
    'scheduled → confirmed → arrived → completed; scheduled or confirmed → cancelled; scheduled or confirmed → no_show once the start has passed. Any other transition — back to `scheduled`, to the same status, out of completed, cancelled or no_show — is a 409 `status-conflict` naming `current_status` and `requested_status`. Cancelling and no_show free the time slots in the same transaction. Every change is kept in `status_history`.',
  scope: 'write',
  scopes: ['write'],
  table: 'read-write',
  audit: true,
  request: { params: AppointmentPath, headers: IfMatchHeaders, body: ChangeStatusBody },
  responses: { 200: { description: 'The appointment, changed', schema: Appointment, headers: { ETag: 'Its new version' } } },
  errors: [404, 409, 412],
} as const satisfies RouteSpec;
