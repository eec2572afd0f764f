/**
 * Appointments: the appointment item (`ORG#o#APPT#a` / `APPT`), carrying the index keys of the day
 * views — the org's appointments by start (`appointments-by-start`) and a patient's
 * (`appointments-by-patient`), both projecting every attribute. Every change is conditioned on the
 * version that was read.
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { getOne, queryAll, type Item, type Key, type TransactItem } from '../operations.ts';
import { ref, type Ref } from '../refs.ts';
import { INDEXES } from '../table-definition.ts';
import { updateExpression } from '../update-expression.ts';
import type { AppointmentStatus } from '../../schemas/appointments.ts';

export type StatusChangeRecord = { at: string; token_id: string; from: AppointmentStatus | null; to: AppointmentStatus; reason: string | null };

export type AppointmentRecord = {
  uuid: string;
  /** Absent on items written before versions existed (they count as version 1). */
  version?: number;
  status: AppointmentStatus;
  patient_uuid: string;
  appointment_type_uuid: string;
  location_uuid: string;
  provider_uuid: string;
  operatory_uuid: string;
  start_utc: string;
  end_utc: string;
  time_zone: string;
  /** The unit of its slot locks (older items stored it as `granularity_minutes`). */
  lock_granule_minutes: number;
  notes?: string;
  created_at: string;
  created_by_token?: string;
  status_history: StatusChangeRecord[];
};

export function toAppointmentRecord(item: Item): AppointmentRecord {
  return {
    uuid: item.uuid as string,
    ...(typeof item.version === 'number' ? { version: item.version } : {}),
    status: item.status as AppointmentStatus,
    patient_uuid: item.patient_uuid as string,
    appointment_type_uuid: item.appointment_type_uuid as string,
    location_uuid: item.location_uuid as string,
    provider_uuid: item.provider_uuid as string,
    operatory_uuid: item.operatory_uuid as string,
    start_utc: item.start_utc as string,
    end_utc: item.end_utc as string,
    time_zone: item.time_zone as string,
    lock_granule_minutes: (item.lock_granule_minutes ?? item.granularity_minutes) as number,
    ...(typeof item.notes === 'string' ? { notes: item.notes } : {}),
    created_at: item.created_at as string,
    ...(typeof item.created_by_token === 'string' ? { created_by_token: item.created_by_token } : {}),
    status_history: (item.status_history as StatusChangeRecord[] | undefined) ?? [],
  };
}

export const appointmentRef = (orgId: string, appointmentId: string): Ref<AppointmentRecord> => ref(keys.appointment(orgId, appointmentId), toAppointmentRecord);

/** One appointment: a strongly consistent GetItem. */
export async function readAppointment(orgId: string, appointmentId: string): Promise<AppointmentRecord | undefined> {
  const item = await getOne(keys.appointment(orgId, appointmentId));
  return item && toAppointmentRecord(item);
}

/** The key of an appointment (the witness of the transaction that creates it). */
export const appointmentWitness = (orgId: string, appointmentId: string): Key => keys.appointment(orgId, appointmentId);

/** The index sort keys of the day views (kept in step with the start). */
const viewSortKeys = (appointmentId: string, startUtc: string) => ({
  [INDEXES.appointmentsByStart.sortKey]: keys.appointmentsByStart.sort(startUtc, appointmentId),
  [INDEXES.appointmentsByPatient.sortKey]: keys.appointmentsByPatient.sort(startUtc, appointmentId),
});

/** The Put of a new appointment (with its day-view index keys). */
export function putNewAppointment(orgId: string, appointment: AppointmentRecord): TransactItem {
  const { lock_granule_minutes, notes, version, ...rest } = appointment;
  const item = {
    ...keys.appointment(orgId, appointment.uuid),
    [INDEXES.appointmentsByStart.partitionKey]: keys.appointmentsByStart.partition(orgId),
    [INDEXES.appointmentsByPatient.partitionKey]: keys.appointmentsByPatient.partition(orgId, appointment.patient_uuid),
    ...viewSortKeys(appointment.uuid, appointment.start_utc),
    entity: 'appointment',
    ...rest,
    version: version ?? 1,
    lock_granule_minutes,
    notes,
  };
  return { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } };
}

/** The version condition and increment every change carries. */
function versioned(seen: AppointmentRecord) {
  const version = seen.version ?? 1;
  return {
    next: version + 1,
    condition: seen.version === undefined ? 'attribute_not_exists(version)' : 'version = :version',
    values: seen.version === undefined ? {} : { ':version': version },
  };
}

/** The version an appointment has after a change of `seen`. */
export const nextVersion = (seen: AppointmentRecord) => versioned(seen).next;

/** The Update of a status change (appending to the history), conditioned on the version read. */
export function changeStatus(orgId: string, seen: AppointmentRecord, entry: StatusChangeRecord): TransactItem {
  const { next, condition, values } = versioned(seen);
  return {
    Update: {
      TableName: tableName,
      Key: keys.appointment(orgId, seen.uuid),
      ...updateExpression(
        { status: entry.to, version: next, updated_at: entry.at },
        { set: ['status_history = list_append(if_not_exists(status_history, :none), :entry)'], values: { ...values, ':entry': [entry], ':none': [] } },
      ),
      ConditionExpression: condition,
    },
  };
}

export type AppointmentChanges = {
  appointment_type_uuid: string;
  provider_uuid: string;
  operatory_uuid: string;
  updated_at: string;
  start_utc?: string;
  end_utc?: string;
  /** A string sets the notes, `null` removes them, absent leaves them. */
  notes?: string | null;
};

/** The Update of an edit or move (index sort keys follow a new start), conditioned on the version read. */
export function changeAppointment(orgId: string, seen: AppointmentRecord, changes: AppointmentChanges): TransactItem {
  const { next, condition, values } = versioned(seen);
  return {
    Update: {
      TableName: tableName,
      Key: keys.appointment(orgId, seen.uuid),
      ...updateExpression({ ...changes, ...(changes.start_utc !== undefined ? viewSortKeys(seen.uuid, changes.start_utc) : {}), version: next }, { values }),
      ConditionExpression: condition,
    },
  };
}

/** The org's appointments with index sort keys between `from` and `to` (`<start UTC>#<uuid>`): one Query. */
export async function appointmentsStartingBetween(orgId: string, fromUtc: string, toUtc: string): Promise<AppointmentRecord[]> {
  const index = INDEXES.appointmentsByStart;
  // Sort keys are `<start UTC>#<uuid>`: the bare `<instant>#` sorts before every appointment starting
  // at that instant, so the bounds take every start in [from, to) — the upper one is exclusive.
  const items = await queryAll({
    IndexName: index.name,
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
    ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
    ExpressionAttributeValues: {
      ':pk': keys.appointmentsByStart.partition(orgId),
      ':from': keys.appointmentsByStart.sort(fromUtc, ''),
      ':to': keys.appointmentsByStart.sort(toUtc, ''),
    },
  });
  return items.map(toAppointmentRecord);
}

/** Every appointment of a patient: one Query of its partition of `appointments-by-patient`. */
export async function appointmentsOfPatient(orgId: string, patientId: string): Promise<AppointmentRecord[]> {
  const index = INDEXES.appointmentsByPatient;
  const items = await queryAll({
    IndexName: index.name,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': index.partitionKey },
    ExpressionAttributeValues: { ':pk': keys.appointmentsByPatient.partition(orgId, patientId) },
  });
  return items.map(toAppointmentRecord);
}
