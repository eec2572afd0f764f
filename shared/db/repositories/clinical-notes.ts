/**
 * Clinical notes of an appointment, in the appointment's notes partition (`keys.appointmentNote`,
 * `ORG#o#APPT#a#NOTES`), apart from the appointment item so nothing that reads an appointment (its
 * GET, the day views, a patient's appointments) can carry a note's text:
 * - the note (`NOTE#<number>`): uuid, number, text, when, the author token's id and label, what it
 *   amends and why, and `amended_by` (the uuids of the notes that amend it, appended by them);
 * - its pointer (`NOTEID#<uuid>`): the note's number, to find the note an amendment names by uuid;
 * - the count (`NOTES`): how many notes the appointment has; the next note takes the next number,
 *   on condition that the count is still the one read, so two notes never share a number.
 * Notes are never changed but for `amended_by`, and never deleted.
 *
 * Access patterns
 * - a page of notes, oldest first: one consistent Query of the number range of the page;
 * - a note by uuid (the one an amendment names): GetItem of its pointer, then its key.
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { queryAll, type Item, type Key, type TransactItem } from '../operations.ts';
import { ref, type Ref } from '../refs.ts';

export type NoteRecord = {
  uuid: string;
  appointment_uuid: string;
  seq: number;
  text: string;
  created_at: string;
  author_token_id: string;
  author_label: string;
  amends?: string;
  reason?: string;
  amended_by: string[];
};

export function toNoteRecord(item: Item): NoteRecord {
  return {
    uuid: item.uuid as string,
    appointment_uuid: item.appointment_uuid as string,
    seq: item.seq as number,
    text: item.text as string,
    created_at: item.created_at as string,
    author_token_id: item.author_token_id as string,
    author_label: item.author_label as string,
    ...(typeof item.amends === 'string' ? { amends: item.amends } : {}),
    ...(typeof item.reason === 'string' ? { reason: item.reason } : {}),
    amended_by: (item.amended_by as string[] | undefined) ?? [],
  };
}

/** The pointer of a note's uuid to its number. */
export const notePointerRef = (orgId: string, appointmentId: string, noteId: string): Ref<{ seq: number }> =>
  ref(keys.appointmentNoteId(orgId, appointmentId, noteId), (item) => ({ seq: item.seq as number }));

/** How many notes the appointment has (no item: none yet). */
export const noteCountRef = (orgId: string, appointmentId: string): Ref<{ count: number }> =>
  ref(keys.appointmentNoteCount(orgId, appointmentId), (item) => ({ count: item.note_count as number }));

/** Notes numbered `from` to `to` (inclusive), oldest first: one strongly consistent Query of that key range. */
export async function notesNumbered(orgId: string, appointmentId: string, from: number, to: number): Promise<NoteRecord[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': keys.appointmentNoteCount(orgId, appointmentId).pk,
      ':from': keys.appointmentNote(orgId, appointmentId, from).sk,
      ':to': keys.appointmentNote(orgId, appointmentId, to).sk,
    },
    ConsistentRead: true,
  });
  return items.map(toNoteRecord).sort((a, b) => a.seq - b.seq);
}

/**
 * The items of a new note: the note and its pointer (each unless its key exists), and the count
 * raised to the note's number on condition that it is still the count read (`seq - 1`).
 */
export function putNewNote(orgId: string, note: NoteRecord): { note: TransactItem; pointer: TransactItem; count: TransactItem } {
  const { amends, reason, ...rest } = note;
  const notCreated = 'attribute_not_exists(pk)';
  return {
    note: {
      Put: {
        TableName: tableName,
        Item: { ...keys.appointmentNote(orgId, note.appointment_uuid, note.seq), entity: 'appointment_note', ...rest, ...(amends ? { amends } : {}), ...(reason ? { reason } : {}) },
        ConditionExpression: notCreated,
      },
    },
    pointer: {
      Put: {
        TableName: tableName,
        Item: { ...keys.appointmentNoteId(orgId, note.appointment_uuid, note.uuid), entity: 'appointment_note_id', seq: note.seq },
        ConditionExpression: notCreated,
      },
    },
    count: {
      Update: {
        TableName: tableName,
        Key: keys.appointmentNoteCount(orgId, note.appointment_uuid),
        UpdateExpression: 'SET note_count = :seq, entity = :entity',
        ConditionExpression: note.seq === 1 ? 'attribute_not_exists(note_count)' : 'note_count = :seen',
        ExpressionAttributeValues: { ':seq': note.seq, ':entity': 'appointment_note_count', ...(note.seq === 1 ? {} : { ':seen': note.seq - 1 }) },
      },
    },
  };
}

/**
 * Appends an amendment's uuid to the note it amends, on condition that the note numbered `seq` of
 * this appointment is the note of that uuid (so it exists, under this appointment).
 */
export function markAmended(orgId: string, appointmentId: string, amended: { uuid: string; seq: number }, amendmentId: string): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: keys.appointmentNote(orgId, appointmentId, amended.seq),
      UpdateExpression: 'SET amended_by = list_append(if_not_exists(amended_by, :none), :me)',
      ConditionExpression: 'attribute_exists(pk) AND #uuid = :uuid',
      ExpressionAttributeNames: { '#uuid': 'uuid' },
      ExpressionAttributeValues: { ':none': [], ':me': [amendmentId], ':uuid': amended.uuid },
    },
  };
}

/** The key a note's creation alone writes (its pointer: the uuid is the request's own), to settle an unknown outcome. */
export const noteWitness = (orgId: string, appointmentId: string, noteId: string): Key => keys.appointmentNoteId(orgId, appointmentId, noteId);

/** Whether the appointment exists (read with the notes: a note is never read without its appointment). */
export const appointmentPresenceRef = (orgId: string, appointmentId: string): Ref<true> => ref(keys.appointment(orgId, appointmentId), () => true as const);

/** A transaction item that fails unless the appointment exists. */
export function appointmentExistsCheck(orgId: string, appointmentId: string): TransactItem {
  return { ConditionCheck: { TableName: tableName, Key: keys.appointment(orgId, appointmentId), ConditionExpression: 'attribute_exists(pk)' } };
}
