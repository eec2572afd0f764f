import { V1, type RouteSpec } from './spec.ts';
import { AppointmentNotePage, AppointmentNotesPath, AppointmentNotesQuery } from '../schemas/clinical-notes.ts';

export const listAppointmentNotes = {
  method: 'GET',
  path: `${V1}/appointments/{appointment_uuid}/notes`,
  handler: 'list-appointment-notes',
  tag: 'Clinical notes',
  summary: "An appointment's clinical notes",
  description: 'Oldest first, paginated; amendments are notes too, and each note lists the notes that amend it (`amended_by`). Every read leaves an audit entry (`appointment-note.read`). Needs the `clinical` scope.',
  scope: 'clinical',
  scopes: ['clinical'],
  table: 'read',
  audit: true,
  request: { params: AppointmentNotesPath, query: AppointmentNotesQuery },
  responses: { 200: { description: 'One page of the appointment’s notes, oldest first', schema: AppointmentNotePage } },
  errors: [404],
} as const satisfies RouteSpec;
