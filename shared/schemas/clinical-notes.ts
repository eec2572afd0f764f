import * as z from 'zod/mini';
import { MultiLineText, Uuid, queryInt } from './common.ts';
import { AppointmentPath } from './appointments.ts';

/** The longest note, in characters (after trimming). */
export const MAX_NOTE_LENGTH = 4000;
/** The longest reason of an amendment, in characters (after trimming). */
export const MAX_NOTE_REASON_LENGTH = 500;
/** Notes one appointment may hold (amendments included): far above any visit, and it bounds what an original's `amended_by` can grow to. */
export const MAX_NOTES_PER_APPOINTMENT = 1000;

export const AppointmentNotesPath = AppointmentPath;

export const CreateAppointmentNoteBody = z.strictObject({
  text: MultiLineText(MAX_NOTE_LENGTH)
    .check(z.minLength(1, 'must not be empty'))
    .check(z.describe(`The note, up to ${MAX_NOTE_LENGTH} characters (trimmed; tabs and line breaks allowed).`)),
  amends: z
    .optional(Uuid)
    .check(z.describe('The uuid of an earlier note of the same appointment that this note corrects; needs `reason`. The earlier note stays as it was and lists this one in `amended_by`.')),
  reason: z
    .optional(MultiLineText(MAX_NOTE_REASON_LENGTH).check(z.minLength(1, 'must not be empty')))
    .check(z.describe(`Why the earlier note is corrected, up to ${MAX_NOTE_REASON_LENGTH} characters; only with \`amends\`.`)),
});
export type CreateAppointmentNoteInput = z.infer<typeof CreateAppointmentNoteBody>;

export const AppointmentNotesQuery = z.strictObject({
  page: queryInt(1, 10_000, 1),
  page_size: queryInt(1, 100, 20),
});

export const AppointmentNote = z.object({
  uuid: z.string(),
  appointment_uuid: z.string(),
  text: z.string(),
  created_at: z.string().check(z.describe('When it was written, UTC.')),
  author: z
    .object({ token_id: z.string(), label: z.string() })
    .check(z.describe('The API token that wrote it: its id and its label when the note was written.')),
  amends: z.nullable(z.string()).check(z.describe('The note this one corrects, or `null`.')),
  reason: z.nullable(z.string()).check(z.describe('Why it corrects that note, or `null`.')),
  amended_by: z.array(z.string()).check(z.describe('The notes that correct this one, oldest first (empty if none).')),
});
export type AppointmentNote = z.infer<typeof AppointmentNote>;

export const AppointmentNotePage = z.object({
  items: z.array(AppointmentNote),
  page: z.number().check(z.int()),
  page_size: z.number().check(z.int()),
  total: z.number().check(z.int()),
});
