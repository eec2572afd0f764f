import { V1, type RouteSpec } from './spec.ts';
import { IdempotencyHeaders } from '../schemas/common.ts';
import { AppointmentNote, AppointmentNotesPath, CreateAppointmentNoteBody, MAX_NOTE_LENGTH } from '../schemas/clinical-notes.ts';

export const createAppointmentNote = {
  method: 'POST',
  path: `${V1}/appointments/{appointment_uuid}/notes`,
  handler: 'create-appointment-note',
  tag: 'Clinical notes',
  summary: 'Add a clinical note to an appointment',
  description:
    `Append-only: a note is never changed or deleted. To correct one, add a note with \`amends\` (the earlier note's uuid, of the same appointment) and a \`reason\`; the earlier note stays readable and lists the correction in \`amended_by\`. Text up to ${MAX_NOTE_LENGTH} characters. ` +
    'Records the author token (id and label) and an audit entry (`appointment-note.create`). Needs the `clinical` scope.',
  scope: 'clinical',
  scopes: ['clinical'],
  table: 'read-write',
  audit: true,
  request: { params: AppointmentNotesPath, headers: IdempotencyHeaders, body: CreateAppointmentNoteBody },
  responses: {
    201: { description: 'The note, created', schema: AppointmentNote, headers: { Location: 'The appointment’s notes (the list this note was added to)' } },
  },
  errors: [404, 422],
} as const satisfies RouteSpec;
