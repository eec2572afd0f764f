/**
 * Clinical notes on appointments: append-only. A correction is a new note that `amends` an earlier
 * one (of the same appointment) and says why (`reason`); the earlier note stays as it was written
 * and lists its amendments in `amended_by`. Nothing changes or deletes a note.
 *
 * Notes live in the appointment's notes partition (shared/db/repositories/clinical-notes.ts), so no
 * read of an appointment — its GET, the day views, a patient's appointments — carries their text,
 * and only routes of the `clinical` scope read them.
 *
 * - Writing one is one transaction: the appointment exists (ConditionCheck), the count of its notes
 *   is still the one read (it gives the note its number: two notes racing never share one — the
 *   loser reads again), the note and its uuid's pointer are new, the amended note is the one of that
 *   uuid under this appointment (and gets the new uuid appended to `amended_by`), the audit entry,
 *   and with an Idempotency-Key the record of the answer. What was read before it (the count, the
 *   amended note's pointer) only finds the keys; every one of them is conditioned on again inside.
 * - Reading a page is one stage: the appointment and the count (one BatchGetItem) and the Query of the
 *   page's number range, sent together (with the token lookup); then one audit entry of the read,
 *   written before the page is answered.
 *
 * Audit entries name the appointment and the token — never a note's text.
 */
import { randomUUID } from 'node:crypto';
import { namedTransaction } from '../db/operations.ts';
import { readMany } from '../db/refs.ts';
import { again, withRetries } from '../db/retry.ts';
import {
  appointmentExistsCheck,
  appointmentPresenceRef,
  markAmended,
  noteCountRef,
  notePointerRef,
  notesNumbered,
  noteWitness,
  putNewNote,
  type NoteRecord,
} from '../db/repositories/clinical-notes.ts';
import { nowIso } from '../db/timestamps.ts';
import { ApiError, notFound, unprocessable } from '../errors.ts';
import { MAX_NOTES_PER_APPOINTMENT, type AppointmentNote, type CreateAppointmentNoteInput } from '../schemas/clinical-notes.ts';
import { auditItem, recordRead, SYSTEM_ACTOR, type Actor } from './audit.ts';
import { idempotencyRecordRef, recallFrom, rememberAnswer, rememberProblem, recall, type IdempotencyRequest } from './idempotency.ts';
import { GUARD_ATTEMPTS, guardBackoff } from './schedule-guard.ts';

export function toAppointmentNote(record: NoteRecord): AppointmentNote {
  return {
    uuid: record.uuid,
    appointment_uuid: record.appointment_uuid,
    text: record.text,
    created_at: record.created_at,
    author: { token_id: record.author_token_id, label: record.author_label },
    amends: record.amends ?? null,
    reason: record.reason ?? null,
    amended_by: record.amended_by,
  };
}

const noAppointment = (appointmentId: string) => notFound(`No appointment ${appointmentId} in this organisation.`);
const noSuchNote = () =>
  unprocessable('The note to amend does not exist on this appointment.', [{ path: 'body.amends', message: 'no note with this uuid on this appointment' }]);
const keptChanging = () => new ApiError('unavailable', 'Notes of this appointment kept being added while this one was written; retry the request.');

/** Pure: `amends` and `reason` go together (422 naming the field that is wrong). */
export function checkAmendment(input: Pick<CreateAppointmentNoteInput, 'amends' | 'reason'>): void {
  if (input.amends !== undefined && input.reason === undefined) {
    throw unprocessable('An amendment needs a reason.', [{ path: 'body.reason', message: 'required with amends' }]);
  }
  if (input.amends === undefined && input.reason !== undefined) {
    throw unprocessable('A reason is given only with `amends`, the note being corrected.', [{ path: 'body.reason', message: 'only with amends' }]);
  }
}

/** Adds a note to an appointment (see the module comment for the transaction). */
export async function createAppointmentNote(
  orgId: string,
  appointmentId: string,
  input: CreateAppointmentNoteInput,
  noteId: string = randomUUID(),
  options: { idempotency?: IdempotencyRequest; actor?: Actor } = {},
): Promise<AppointmentNote> {
  const { idempotency, actor = SYSTEM_ACTOR } = options;
  checkAmendment(input);
  const fail = async (problem: ApiError): Promise<never> => {
    await rememberProblem(orgId, idempotency, problem);
    throw problem;
  };
  return withRetries({ attempts: GUARD_ATTEMPTS, pause: guardBackoff, exhausted: keptChanging }, async () => {
    // One stage, with the token lookup: the appointment, the count, the amended note's pointer, the key's record.
    const found = await readMany({
      appointment: appointmentPresenceRef(orgId, appointmentId),
      count: noteCountRef(orgId, appointmentId),
      amended: input.amends !== undefined ? notePointerRef(orgId, appointmentId, input.amends) : undefined,
      replay: idempotency ? idempotencyRecordRef(orgId, idempotency) : undefined,
    });
    if (idempotency) {
      const first = recallFrom<AppointmentNote>(found.replay, idempotency);
      if (first) return first;
    }
    if (!found.appointment) throw noAppointment(appointmentId);
    if (input.amends !== undefined && !found.amended) return fail(noSuchNote());
    const count = found.count?.count ?? 0;
    if (count >= MAX_NOTES_PER_APPOINTMENT) return fail(unprocessable(`An appointment holds at most ${MAX_NOTES_PER_APPOINTMENT} notes.`));
    const record: NoteRecord = {
      uuid: noteId,
      appointment_uuid: appointmentId,
      seq: count + 1,
      text: input.text,
      created_at: nowIso(),
      author_token_id: actor.tokenId,
      author_label: actor.tokenLabel ?? actor.tokenId,
      ...(input.amends !== undefined ? { amends: input.amends } : {}),
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      amended_by: [],
    };
    const note = toAppointmentNote(record);
    const items = putNewNote(orgId, record);
    const tx = namedTransaction([
      ...(idempotency ? [['idempotency', rememberAnswer(orgId, idempotency, note)] as const] : []),
      ['appointment', appointmentExistsCheck(orgId, appointmentId)] as const,
      ['count', items.count] as const,
      ['note', items.note] as const,
      ['pointer', items.pointer] as const,
      ...(input.amends !== undefined && found.amended ? [['amended', markAmended(orgId, appointmentId, { uuid: input.amends, seq: found.amended.seq }, noteId)] as const] : []),
      ['audit', auditItem(orgId, actor, 'appointment-note.create', 'appointment', appointmentId)] as const,
    ]);
    try {
      await tx.commit({ witness: noteWitness(orgId, appointmentId, noteId) });
    } catch (error) {
      const cancelled = tx.cancellation(error);
      if (!cancelled) throw error;
      if (idempotency && cancelled.failed.has('idempotency')) {
        const first = await recall<AppointmentNote>(orgId, idempotency);
        if (first) return first;
      }
      if (cancelled.failed.has('appointment')) throw noAppointment(appointmentId);
      if (cancelled.failed.has('amended')) return fail(noSuchNote());
      // Another note took this number first: read the count again.
      if (cancelled.failed.has('count') || cancelled.failed.has('note')) return again();
      throw error;
    }
    return note;
  });
}

export type AppointmentNoteListQuery = { page: number; page_size: number };
export type AppointmentNotePageResult = { items: AppointmentNote[]; page: number; page_size: number; total: number };

/** One page of an appointment's notes, oldest first; the read is recorded in the audit trail. */
export async function listAppointmentNotes(
  orgId: string,
  appointmentId: string,
  query: AppointmentNoteListQuery,
  actor: Actor = SYSTEM_ACTOR,
): Promise<AppointmentNotePageResult> {
  const first = (query.page - 1) * query.page_size + 1;
  const last = query.page * query.page_size;
  // One stage, with the token lookup: the appointment and the count in one BatchGetItem, beside the page's Query.
  const [found, notes] = await Promise.all([
    readMany({ appointment: appointmentPresenceRef(orgId, appointmentId), count: noteCountRef(orgId, appointmentId) }),
    notesNumbered(orgId, appointmentId, first, last),
  ]);
  if (!found.appointment) throw noAppointment(appointmentId);
  const count = found.count?.count ?? 0;
  await recordRead(orgId, actor, 'appointment-note.read', 'appointment', appointmentId);
  // A note committed between the count's read and the Query's still counts.
  const total = Math.max(count, notes.at(-1)?.seq ?? 0);
  return { items: notes.map(toAppointmentNote), page: query.page, page_size: query.page_size, total };
}
