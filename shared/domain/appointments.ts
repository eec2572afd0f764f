/**
 * Appointments: book and read.
 *
 * Booking is one TransactWriteItems: the appointment item plus a conditional put of a slot lock for
 * every granule of the provider and of the operatory (slot-locks.ts), its audit entry and its event
 * (`appointment.booked`, events.ts), plus the Idempotency-Key record when there is one. If any
 * granule is already held the whole transaction is cancelled — nothing is written, no event either —
 * and the held lock comes back in the cancellation reasons, so the 409 names the resource and the
 * appointment in the way without another read.
 *
 * Access patterns: one appointment is a GetItem (`ORG#o#APPT#a`); its patient, type, location,
 * provider and operatory are one BatchGetItem; day views use the `appointments-by-start` and
 * `appointments-by-patient` indexes (appointment-views.ts).
 */
import { randomUUID } from 'node:crypto';
import { addDays } from '../time/local-day.ts';
import { namedTransaction, type TransactItem } from '../db/operations.ts';
import { readLookup, readMany, type Ref } from '../db/refs.ts';
import { appointmentWitness, putNewAppointment, readAppointment, type AppointmentRecord, type StatusChangeRecord } from '../db/repositories/appointments.ts';
import { appointmentTypeRef, typeStillWithoutExam, type AppointmentTypeRecord } from '../db/repositories/appointment-types.ts';
import { locationRef, type LocationRecord, type LocationWithChairs } from '../db/repositories/locations.ts';
import { operatoryBookingGuard, operatoryRef, type OperatoryRecord } from '../db/repositories/operatories.ts';
import { orgRef, type OrgRecord } from '../db/repositories/orgs.ts';
import { patientBookable, patientRef, type PatientRecord } from '../db/repositories/patients.ts';
import { providerBookingGuard, providerRef, providerStillExamines, type ProviderRecord } from '../db/repositories/providers.ts';
import { lockRef, takeLock } from '../db/repositories/slot-locks.ts';
import { workingHoursRef, type WorkingHoursRecord } from '../db/repositories/working-hours.ts';
import { again, withRetries } from '../db/retry.ts';
import { nowIso } from '../db/timestamps.ts';
import { GUARD_ATTEMPTS, guardBackoff } from './schedule-guard.ts';
import { ApiError, notFound, slotConflict, unprocessable, type Conflict, type FieldError } from '../errors.ts';
import type { Appointment, BookAppointmentInput } from '../schemas/appointments.ts';
import { toWallClock } from '../time/wall-clock.ts';
import { planBookingWindow, type BookingWindow } from './booking-window.ts';
import { idempotencyRecordRef, recall, recallFrom, rememberAnswer, rememberProblem, type IdempotencyRequest } from './idempotency.ts';
import { timeOffOf } from './schedule-guard.ts';
import { auditItem, type Actor } from './audit.ts';
import { appointmentEvent } from './appointment-events.ts';
import { eventItem } from './events.ts';
import { activeOperatories } from './operatories.ts';
import { byName } from './practice-rules.ts';
import { examinerFits, firstHeld, freeOfTimeOff, withinWorkingHours } from './bookable.ts';
import { granuleId } from '../time/granules.ts';
import { intervalsOf } from './working-hours.ts';
import { conflictsOf, lockRefs } from './slot-locks.ts';

export type { AppointmentRecord, StatusChangeRecord };

export type Related = { patient: PatientRecord; type: AppointmentTypeRecord; location: LocationRecord; provider: ProviderRecord; operatory: OperatoryRecord };

/** A strong ETag of an appointment version (changes with every write). */
export const etagOf = (appointment: AppointmentRecord) => `"${appointment.version ?? 1}"`;

export function toAppointment(appt: AppointmentRecord, r: Related): Appointment {
  const zone = appt.time_zone;
  return {
    uuid: appt.uuid,
    status: appt.status,
    patient: { uuid: r.patient.uuid, first_name: r.patient.first_name, last_name: r.patient.last_name },
    appointment_type: {
      uuid: r.type.uuid,
      name: r.type.name,
      duration_minutes: r.type.duration_minutes,
      color: r.type.color,
    },
    scheduled_start: toWallClock(appt.start_utc, zone),
    scheduled_end: toWallClock(appt.end_utc, zone),
    time_zone: zone,
    location: { uuid: r.location.uuid, name: r.location.name },
    provider: {
      uuid: r.provider.uuid,
      first_name: r.provider.first_name,
      last_name: r.provider.last_name,
      title: r.provider.title,
    },
    operatory: { uuid: r.operatory.uuid, name: r.operatory.name },
    notes: appt.notes ?? null,
    created_at: appt.created_at,
    status_history: appt.status_history.map((h) => ({ ...h })),
  };
}

function relatedRefs(orgId: string, appt: AppointmentRecord) {
  return {
    patient: patientRef(orgId, appt.patient_uuid),
    type: appointmentTypeRef(orgId, appt.appointment_type_uuid),
    location: locationRef(orgId, appt.location_uuid),
    provider: providerRef(orgId, appt.provider_uuid),
    operatory: operatoryRef(orgId, appt.location_uuid, appt.operatory_uuid),
  };
}

/** What an appointment refers to (its patient, type, location, provider, operatory): one BatchGetItem. */
export async function relatedOf(orgId: string, appt: AppointmentRecord): Promise<Related> {
  const [related] = await expandAppointments(orgId, [appt], true);
  return related!;
}

/** Appointments as API objects, with everything they refer to read in one BatchGetItem. */
export async function expandAppointments(orgId: string, records: AppointmentRecord[]): Promise<Appointment[]>;
export async function expandAppointments(orgId: string, records: AppointmentRecord[], raw: true): Promise<Related[]>;
export async function expandAppointments(orgId: string, records: AppointmentRecord[], raw?: true): Promise<Appointment[] | Related[]> {
  const refs = records.map((appt) => relatedRefs(orgId, appt));
  const get = await readLookup(refs.flatMap((r) => Object.values(r) as Ref<unknown>[]));
  const expanded = records.map((appt, i) => {
    const r = refs[i]!;
    const related = { patient: get(r.patient), type: get(r.type), location: get(r.location), provider: get(r.provider), operatory: get(r.operatory) };
    const missing = Object.entries(related).filter(([, v]) => !v);
    if (missing.length > 0) throw new Error(`appointment references missing items: ${missing.map(([n]) => n).join(', ')}`);
    return { appt, related: related as Related };
  });
  return raw ? expanded.map((e) => e.related) : expanded.map((e) => toAppointment(e.appt, e.related));
}

export type References = {
  org: OrgRecord;
  patient: PatientRecord;
  type: AppointmentTypeRecord;
  location: LocationWithChairs;
  provider: ProviderRecord;
  operatory?: OperatoryRecord;
  hours?: WorkingHoursRecord;
};

type ReferenceIds = { patient_uuid: string; appointment_type_uuid: string; location_uuid: string; provider_uuid: string; operatory_uuid?: string };

/**
 * Reads everything a booking refers to — and the request's Idempotency-Key record, when there is
 * one — in one consistent BatchGetItem. Time off comes with the provider and operatory items
 * (schedule-guard.ts), so nothing else is read per resource.
 */
export async function readReferences(orgId: string, input: ReferenceIds, idempotency?: Ref<Parameters<typeof recallFrom>[0]>) {
  const found = await readMany({
    org: orgRef(orgId),
    patient: patientRef(orgId, input.patient_uuid),
    type: appointmentTypeRef(orgId, input.appointment_type_uuid),
    location: locationRef(orgId, input.location_uuid),
    provider: providerRef(orgId, input.provider_uuid),
    operatory: input.operatory_uuid ? operatoryRef(orgId, input.location_uuid, input.operatory_uuid) : undefined,
    hours: workingHoursRef(orgId, input.provider_uuid, input.location_uuid),
    record: idempotency,
  });
  return { found, operatoryAsked: input.operatory_uuid !== undefined };
}

/** Rule 0 of bookable.ts broken: the 422's field error. */
export const NOT_AN_EXAMINER: FieldError = { path: 'body.provider_uuid', message: 'the provider cannot examine and the appointment type requires an exam' };

/**
 * The item that keeps rule 0 (bookable.ts) true as a booking or move commits, or none: with a provider
 * who can examine (as read), the provider — its booking guard when the transaction carries one (a
 * `can_examine` change raises `schedule_version`), else a condition on `can_examine`; with one who
 * cannot, the type, on condition that it still does not require an exam.
 */
export function examPin(orgId: string, type: AppointmentTypeRecord, provider: ProviderRecord, providerGuarded: boolean): TransactItem | undefined {
  if (provider.can_examine) return providerGuarded ? undefined : providerStillExamines(orgId, provider.uuid);
  return typeStillWithoutExam(orgId, type.uuid);
}

/**
 * Pure: says which references are bad (422 listing each). `changed` (for edits) limits the "still
 * bookable" checks — active type, provider, operatory — to the references the edit changes: an
 * appointment of a since-archived type can still get new notes.
 */
export function checkReferences(read: Awaited<ReturnType<typeof readReferences>>, changed?: ReadonlySet<string>): References {
  const { found } = read;
  const checks = (field: string) => changed === undefined || changed.has(field);
  const errors: FieldError[] = [];
  if (!found.patient) errors.push({ path: 'body.patient_uuid', message: 'no patient with this uuid' });
  else if (found.patient.archived_at !== null && checks('patient_uuid')) errors.push({ path: 'body.patient_uuid', message: 'the patient is archived' });
  if (!found.type) errors.push({ path: 'body.appointment_type_uuid', message: 'no appointment type with this uuid' });
  else if (found.type.is_active !== true && checks('appointment_type_uuid')) errors.push({ path: 'body.appointment_type_uuid', message: 'the appointment type is archived' });
  if (!found.location) errors.push({ path: 'body.location_uuid', message: 'no location with this uuid' });
  if (!found.provider) errors.push({ path: 'body.provider_uuid', message: 'no provider with this uuid' });
  else if (found.provider.is_active !== true && checks('provider_uuid')) errors.push({ path: 'body.provider_uuid', message: 'the provider is inactive' });
  else if (found.type && (checks('provider_uuid') || checks('appointment_type_uuid')) && !examinerFits(found.type, found.provider)) errors.push(NOT_AN_EXAMINER);
  if (read.operatoryAsked) {
    if (!found.operatory) errors.push({ path: 'body.operatory_uuid', message: 'no operatory with this uuid at this location' });
    else if (found.operatory.is_active !== true && checks('operatory_uuid')) errors.push({ path: 'body.operatory_uuid', message: 'the operatory is inactive' });
  }
  if (!found.org) throw notFound('No such organisation.');
  if (errors.length > 0) throw unprocessable('The appointment refers to something that does not exist or cannot be booked.', errors);
  const { org, patient, type, location, provider, operatory, hours } = found;
  return { org, patient: patient!, type: type!, location: location!, provider: provider!, operatory, hours };
}

/** Reads and checks the references in one go (edits, which have nothing else to read with them). */
export async function loadReferences(orgId: string, input: ReferenceIds, changed?: ReadonlySet<string>): Promise<References> {
  return checkReferences(await readReferences(orgId, input), changed);
}

/** The window a request asks for, under the organisation's rules (grid, lock unit, horizon, not past). */
export function planWindow(refs: References, times: { scheduled_start: string; scheduled_end: string }, now: Date): BookingWindow {
  return planBookingWindow(times, {
    timeZone: refs.location.time_zone,
    granularityMinutes: refs.org.slot_granularity_minutes,
    lockGranuleMinutes: refs.org.lock_granule_minutes,
    horizonDays: refs.org.booking_horizon_days,
    now,
  });
}

/**
 * The schedule rules a booking must meet besides free slots — the same ones availability applies:
 * the whole window inside one of the provider's working intervals at the location (under the hours
 * in force that day), and no time off of the provider (or of the chosen operatory) overlapping it.
 * Pure: hours and time off come with the items read (and their guards recheck them at the write).
 */
export function assertScheduled(refs: References, window: BookingWindow) {
  const zone = refs.location.time_zone;
  const span = { start: Date.parse(window.startUtc), end: Date.parse(window.endUtc) };
  const dayBefore = addDays(window.startLocal.slice(0, 10), -1);
  const intervals = intervalsOf(refs.hours, dayBefore, window.endLocal.slice(0, 10), zone);
  if (!withinWorkingHours(span, intervals)) {
    throw unprocessable(
      refs.hours ? 'The provider does not work at this location for the whole window.' : 'The provider has no working hours at this location.',
      [{ path: 'body.scheduled_start', message: 'outside the provider’s working hours at this location' }],
    );
  }
  const errors: FieldError[] = [
    ...(blockedIn(refs.provider, span) ? [{ path: 'body.provider_uuid', message: 'the provider has time off in this window' }] : []),
    ...(refs.operatory && blockedIn(refs.operatory, span) ? [{ path: 'body.operatory_uuid', message: 'the operatory is blocked in this window' }] : []),
  ];
  if (errors.length > 0) throw unprocessable('The window falls in time off.', errors);
}

const blockedIn = (resource: ProviderRecord | OperatoryRecord, span: { start: number; end: number }) => !freeOfTimeOff(span, timeOffOf(resource));

/**
 * The free operatories among a location's active ones for a window, in name order (or a 409/422
 * saying why none). The location lists its chairs, so the chairs and all their slot locks for the
 * window are one batch read; chairs blocked by time off are left out. (A location from before the
 * list: its chairs are a Query, then the open ones' locks a batch read.)
 */
async function freeOperatories(orgId: string, location: LocationWithChairs, window: BookingWindow, lockGranuleMinutes: number): Promise<{ candidates: OperatoryRecord[]; busy: Conflict[] }> {
  const lockOf = (operatoryId: string, g: string) => lockRef(orgId, { resource: 'operatory', resourceId: operatoryId, granule: g });
  const listed = location.operatory_uuids;
  let get: Awaited<ReturnType<typeof readLookup>> | undefined;
  let operatories: OperatoryRecord[];
  if (listed) {
    const chairs = listed.map((id) => operatoryRef(orgId, location.uuid, id));
    get = await readLookup([...chairs, ...listed.flatMap((id) => window.granules.map((g) => lockOf(id, g)))]);
    operatories = chairs.map((chair) => get!(chair)).filter((o): o is OperatoryRecord => o !== undefined && o.is_active).sort(byName);
  } else {
    operatories = await activeOperatories(orgId, location.uuid);
  }
  if (operatories.length === 0) {
    throw unprocessable('The location has no active operatory to book.', [{ path: 'body.location_uuid', message: 'no active operatory' }]);
  }
  const span = { start: Date.parse(window.startUtc), end: Date.parse(window.endUtc) };
  const open = operatories.filter((o) => !blockedIn(o, span));
  if (open.length === 0) {
    throw unprocessable('Every operatory of the location is blocked in this window.', [{ path: 'body.location_uuid', message: 'no operatory free of time off' }]);
  }
  const locks = get ?? (await readLookup(open.flatMap((o) => window.granules.map((g) => lockOf(o.uuid, g)))));
  const busy: Conflict[] = [];
  const candidates = open.filter((o) => {
    const held = firstHeld(span, lockGranuleMinutes, (g) => locks(lockOf(o.uuid, granuleId(g))));
    if (held) busy.push({ resource: 'operatory', resource_uuid: o.uuid, appointment_uuid: held.appointment_uuid, slot_start: held.granule });
    return !held;
  });
  if (candidates.length === 0) throw slotConflict(busy);
  return { candidates, busy };
}

/** A guard in a booking's or move's transaction failed: the resource's schedule changed meanwhile. */
export class ScheduleChanged extends Error {
  override name = 'ScheduleChanged';
}

export const scheduleKeptChanging = () => new ApiError('unavailable', 'The schedule kept changing while the booking was being made; retry the request.');

export async function bookAppointment(
  orgId: string,
  actor: Actor,
  input: BookAppointmentInput,
  options: { idempotency?: IdempotencyRequest; now?: Date } = {},
): Promise<Appointment> {
  const now = options.now ?? new Date();
  const idempotency = options.idempotency;
  try {
    return await withRetries({ attempts: GUARD_ATTEMPTS, pause: guardBackoff, exhausted: scheduleKeptChanging }, async (attempt) => {
      try {
        return await bookOnce(orgId, actor, input, now, idempotency, attempt === 1);
      } catch (error) {
        if (!(error instanceof ScheduleChanged)) throw error;
        return again();
      }
    });
  } catch (error) {
    if (error instanceof ApiError && (error.status === 409 || error.status === 422) && !(error as { replayed?: boolean }).replayed) {
      await rememberProblem(orgId, idempotency, error, now);
    }
    throw error;
  }
}

/**
 * One read–decide–write of a booking. The transaction puts the appointment and its slot locks and
 * guards the provider and the operatory (schedule-guard.ts), so hours, time off and `is_active` as
 * read are what the booking commits under; a failed guard throws ScheduleChanged for a fresh read.
 */
async function bookOnce(orgId: string, actor: Actor, input: BookAppointmentInput, now: Date, idempotency: IdempotencyRequest | undefined, first: boolean): Promise<Appointment> {
  // One stage: the references (with hours and time off, and the location's list of chairs), the key's record.
  const read = await readReferences(orgId, input, idempotency ? idempotencyRecordRef(orgId, idempotency) : undefined);
  if (first && idempotency) {
    const replay = recallReplay<Appointment>(read.found.record, idempotency, now);
    if (replay) return replay;
  }
  const refs = checkReferences(read);
  // Read only now: the token is verified before the first read's answer arrives (request-gate.ts).
  const { tokenId } = actor;
  const window = planWindow(refs, input, now);
  assertScheduled(refs, window);

  // The chair: the one asked for, or else the free operatories of the location, in name order (the
  // second stage: the chairs with their locks).
  const { candidates, busy } = refs.operatory ? { candidates: [refs.operatory], busy: [] as Conflict[] } : await freeOperatories(orgId, refs.location, window, refs.org.lock_granule_minutes);

  const appointmentId = randomUUID();
  const createdAt = nowIso(now);
  const lockMinutes = refs.org.lock_granule_minutes;
  for (const operatory of candidates) {
    const record: AppointmentRecord = {
      uuid: appointmentId,
      version: 1,
      status: 'scheduled',
      patient_uuid: input.patient_uuid,
      appointment_type_uuid: input.appointment_type_uuid,
      location_uuid: input.location_uuid,
      provider_uuid: input.provider_uuid,
      operatory_uuid: operatory.uuid,
      start_utc: window.startUtc,
      end_utc: window.endUtc,
      time_zone: refs.location.time_zone,
      lock_granule_minutes: lockMinutes,
      ...(input.notes !== undefined && input.notes !== null ? { notes: input.notes } : {}),
      created_at: createdAt,
      created_by_token: tokenId,
      status_history: [{ at: createdAt, token_id: tokenId, from: null, to: 'scheduled', reason: null }],
    };
    const appointment = toAppointment(record, { ...refs, operatory });
    const locks = lockRefs({ providerId: input.provider_uuid, operatoryId: operatory.uuid, granules: window.granules });
    const exam = examPin(orgId, refs.type, refs.provider, true);
    const tx = namedTransaction([
      ...(idempotency ? [['idempotency', rememberAnswer(orgId, idempotency, appointment, now)] as const] : []),
      ['appointment', putNewAppointment(orgId, record)] as const,
      ...locks.map((l) => ['lock', takeLock(orgId, l, appointmentId, lockMinutes)] as const),
      ['provider-guard', providerBookingGuard(orgId, refs.provider)] as const,
      ['operatory-guard', operatoryBookingGuard(orgId, operatory)] as const,
      ...(exam ? [['exam-guard', exam] as const] : []),
      // Archived since the read? The patient item itself says so, inside the transaction.
      ['patient', patientBookable(orgId, input.patient_uuid)] as const,
      ['audit', auditItem(orgId, actor, 'appointment.create', 'appointment', appointmentId, now)] as const,
      // The outbox: integrators hear of the booking exactly when it commits (events.ts).
      ['event', eventItem(orgId, appointmentEvent('appointment.booked', record, null, etagOf(record)), now)] as const,
    ]);
    try {
      await tx.commit({ witness: appointmentWitness(orgId, appointmentId) });
      return appointment;
    } catch (error) {
      const cancelled = tx.cancellation(error);
      if (!cancelled) throw error;
      if (idempotency && cancelled.failed.has('idempotency')) {
        const first = await recall<Appointment>(orgId, idempotency, now);
        if (first) return first;
      }
      if (cancelled.failed.has('patient')) {
        throw unprocessable('The patient is archived: restore it to book.', [{ path: 'body.patient_uuid', message: 'the patient is archived' }]);
      }
      const conflicts = conflictsOf(cancelled);
      if (conflicts.length === 0) {
        // The provider's schedule (or `can_examine`), or the type's `requires_exam`, changed since it was read.
        if (cancelled.failed.has('provider-guard') || cancelled.failed.has('exam-guard') || (cancelled.failed.has('operatory-guard') && refs.operatory)) throw new ScheduleChanged();
        // A chair found free was deactivated or blocked since: try the next one.
        if (cancelled.failed.has('operatory-guard')) continue;
        throw error;
      }
      // Another booking took this chair since we looked: try the next free one. A taken provider,
      // or a chair the caller chose, is final.
      if (conflicts.some((c) => c.resource === 'provider') || refs.operatory) throw slotConflict(conflicts);
      busy.push(...conflicts);
    }
  }
  if (busy.length === 0) throw new ScheduleChanged();
  throw slotConflict(busy);
}

export async function readAppointmentRecord(orgId: string, appointmentId: string): Promise<AppointmentRecord> {
  const record = await readAppointment(orgId, appointmentId);
  if (!record) throw notFound(`No appointment ${appointmentId} in this organisation.`);
  return record;
}

export async function getAppointment(orgId: string, appointmentId: string): Promise<{ appointment: Appointment; etag: string }> {
  const record = await readAppointmentRecord(orgId, appointmentId);
  const [appointment] = await expandAppointments(orgId, [record]);
  return { appointment: appointment!, etag: etagOf(record) };
}

/** A replayed answer (or the first problem, re-thrown marked as a replay so it is not recorded again). */
function recallReplay<T>(record: Parameters<typeof recallFrom>[0], request: IdempotencyRequest, now: Date): T | undefined {
  try {
    return recallFrom<T>(record, request, now);
  } catch (error) {
    if (error instanceof ApiError) Object.assign(error, { replayed: true });
    throw error;
  }
}
