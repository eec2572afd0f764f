/**
 * Appointments: book and read.
 *
 * Booking is one TransactWriteItems: the appointment item plus a conditional put of a slot lock for
 * every granule of the provider and of the operatory (slot-locks.ts), plus the Idempotency-Key record
 * when there is one. If any granule is already held the whole transaction is cancelled — nothing is
 * written — and the held lock comes back in the cancellation reasons, so the 409 names the resource
 * and the appointment in the way without another read.
 *
 * Access patterns: one appointment is a GetItem (`ORG#o#APPT#a`); its patient, type, location,
 * provider and operatory are one BatchGetItem; day views use the `appointments-by-start` and
 * `appointments-by-patient` indexes (appointment-views.ts).
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DateTime } from 'luxon';
import { db, tableName } from '../db/client.ts';
import { keys } from '../db/keys.ts';
import { getMany, namedTransaction, nowIso, transactWrite, type Item, type Key } from '../db/operations.ts';
import { bookingGuard, GUARD_ATTEMPTS, guardBackoff } from './schedule-guard.ts';
import { INDEXES } from '../db/table-definition.ts';
import { ApiError, notFound, slotConflict, unprocessable, type Conflict, type FieldError } from '../errors.ts';
import type { Appointment, BookAppointmentInput } from '../schemas/appointments.ts';
import { toWallClock } from '../time/wall-clock.ts';
import { planBookingWindow, type BookingWindow } from './booking-window.ts';
import { idempotencyRecordRef, recall, recallFrom, rememberAnswer, rememberProblem, type IdempotencyRequest } from './idempotency.ts';
import { timeOffOf } from './schedule-guard.ts';
import { auditItem, type Actor } from './audit.ts';
import { activeOperatories } from './operatories.ts';
import { lockGranuleMinutes } from './settings.ts';
import { intervalsOf } from './working-hours.ts';
import { conflictsOf, lockRefs, takeLock } from './slot-locks.ts';

export type Related = { patient: Item; type: Item; location: Item; provider: Item; operatory: Item };

export type StatusChangeRecord = { at: string; token_id: string; from: string | null; to: string; reason: string | null };

/** A strong ETag of an appointment version (changes with every write). */
export const etagOf = (appointment: Item) => `"${(appointment.version as number | undefined) ?? 1}"`;

export function toAppointment(appt: Item, r: Related): Appointment {
  const zone = appt.time_zone as string;
  return {
    uuid: appt.uuid as string,
    status: appt.status as Appointment['status'],
    patient: { uuid: r.patient.uuid as string, first_name: r.patient.first_name as string, last_name: r.patient.last_name as string },
    appointment_type: {
      uuid: r.type.uuid as string,
      name: r.type.name as string,
      duration_minutes: r.type.duration_minutes as number,
      color: r.type.color as string,
    },
    scheduled_start: toWallClock(appt.start_utc as string, zone),
    scheduled_end: toWallClock(appt.end_utc as string, zone),
    time_zone: zone,
    location: { uuid: r.location.uuid as string, name: r.location.name as string },
    provider: {
      uuid: r.provider.uuid as string,
      first_name: r.provider.first_name as string,
      last_name: r.provider.last_name as string,
      title: r.provider.title as string,
    },
    operatory: { uuid: r.operatory.uuid as string, name: r.operatory.name as string },
    notes: (appt.notes as string | undefined) ?? null,
    created_at: appt.created_at as string,
    status_history: ((appt.status_history as StatusChangeRecord[] | undefined) ?? []).map((h) => ({ ...h, from: h.from as never, to: h.to as never })),
  };
}

function relatedKeys(orgId: string, appt: Item): Record<keyof Related, Key> {
  return {
    patient: keys.patient(orgId, appt.patient_uuid as string),
    type: keys.appointmentType(orgId, appt.appointment_type_uuid as string),
    location: keys.location(orgId, appt.location_uuid as string),
    provider: keys.provider(orgId, appt.provider_uuid as string),
    operatory: keys.operatory(orgId, appt.location_uuid as string, appt.operatory_uuid as string),
  };
}

/** What an appointment refers to (its patient, type, location, provider, operatory): one BatchGetItem. */
export async function relatedOf(orgId: string, appt: Item): Promise<Related> {
  const [appointment] = await expandAppointments(orgId, [appt], true);
  return appointment as unknown as Related;
}

/** Appointment items as API objects, with everything they refer to read in one BatchGetItem. */
export async function expandAppointments(orgId: string, items: Item[]): Promise<Appointment[]>;
export async function expandAppointments(orgId: string, items: Item[], raw: true): Promise<Related[]>;
export async function expandAppointments(orgId: string, items: Item[], raw?: true): Promise<Appointment[] | Related[]> {
  const get = await getMany(items.flatMap((a) => Object.values(relatedKeys(orgId, a))));
  return items.map((appt) => {
    const related = Object.fromEntries(Object.entries(relatedKeys(orgId, appt)).map(([name, key]) => [name, get(key)])) as Partial<Related>;
    const missing = Object.entries(related).filter(([, v]) => !v);
    if (missing.length > 0) throw new Error(`appointment references missing items: ${missing.map(([n]) => n).join(', ')}`);
    return raw ? (related as Related) : toAppointment(appt, related as Related);
  }) as Appointment[] | Related[];
}

/** The index keys of an appointment item for the day views (kept in step with its start). */
export function viewKeys(orgId: string, appointmentId: string, patientId: string, startUtc: string) {
  return {
    [INDEXES.appointmentsByStart.partitionKey]: keys.appointmentsByStart.partition(orgId),
    [INDEXES.appointmentsByStart.sortKey]: keys.appointmentsByStart.sort(startUtc, appointmentId),
    [INDEXES.appointmentsByPatient.partitionKey]: keys.appointmentsByPatient.partition(orgId, patientId),
    [INDEXES.appointmentsByPatient.sortKey]: keys.appointmentsByPatient.sort(startUtc, appointmentId),
  };
}

export type References = {
  org: Item;
  patient: Item;
  type: Item;
  location: Item;
  provider: Item;
  operatory?: Item;
  hours?: Item;
};

type ReferenceIds = { patient_uuid: string; appointment_type_uuid: string; location_uuid: string; provider_uuid: string; operatory_uuid?: string };

/**
 * Reads everything a booking refers to — and any `extra` keys the caller reads anyway (its
 * Idempotency-Key record) — in one consistent BatchGetItem. Time off comes with the provider and
 * operatory items (schedule-guard.ts), so nothing else is read per resource.
 */
export async function readReferences(orgId: string, input: ReferenceIds, extra: readonly Key[] = []) {
  const k = referenceKeys(orgId, input);
  const get = await getMany([...Object.values(k).filter((v): v is Key => v !== undefined), ...extra]);
  return {
    get,
    found: {
      org: get(k.org),
      patient: get(k.patient),
      type: get(k.type),
      location: get(k.location),
      provider: get(k.provider),
      operatory: k.operatory ? get(k.operatory) : undefined,
      hours: get(k.hours),
    },
    operatoryAsked: k.operatory !== undefined,
  };
}

function referenceKeys(orgId: string, input: ReferenceIds) {
  return {
    org: keys.org(orgId),
    patient: keys.patient(orgId, input.patient_uuid),
    type: keys.appointmentType(orgId, input.appointment_type_uuid),
    location: keys.location(orgId, input.location_uuid),
    provider: keys.provider(orgId, input.provider_uuid),
    operatory: input.operatory_uuid ? keys.operatory(orgId, input.location_uuid, input.operatory_uuid) : undefined,
    hours: keys.workingHours(orgId, input.provider_uuid, input.location_uuid),
  };
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
  if (!found.type) errors.push({ path: 'body.appointment_type_uuid', message: 'no appointment type with this uuid' });
  else if (found.type.is_active !== true && checks('appointment_type_uuid')) errors.push({ path: 'body.appointment_type_uuid', message: 'the appointment type is archived' });
  if (!found.location) errors.push({ path: 'body.location_uuid', message: 'no location with this uuid' });
  if (!found.provider) errors.push({ path: 'body.provider_uuid', message: 'no provider with this uuid' });
  else if (found.provider.is_active !== true && checks('provider_uuid')) errors.push({ path: 'body.provider_uuid', message: 'the provider is inactive' });
  if (read.operatoryAsked) {
    if (!found.operatory) errors.push({ path: 'body.operatory_uuid', message: 'no operatory with this uuid at this location' });
    else if (found.operatory.is_active !== true && checks('operatory_uuid')) errors.push({ path: 'body.operatory_uuid', message: 'the operatory is inactive' });
  }
  if (!found.org) throw notFound('No such organisation.');
  if (errors.length > 0) throw unprocessable('The appointment refers to something that does not exist or cannot be booked.', errors);
  return found as References;
}

/** Reads and checks the references in one go (edits, which have nothing else to read with them). */
export async function loadReferences(orgId: string, input: ReferenceIds, changed?: ReadonlySet<string>): Promise<References> {
  return checkReferences(await readReferences(orgId, input), changed);
}

/** The window a request asks for, under the organisation's rules (grid, lock unit, horizon, not past). */
export function planWindow(refs: References, times: { scheduled_start: string; scheduled_end: string }, now: Date): BookingWindow {
  return planBookingWindow(times, {
    timeZone: refs.location.time_zone as string,
    granularityMinutes: refs.org.slot_granularity_minutes as number,
    lockGranuleMinutes: lockGranuleMinutes(refs.org),
    horizonDays: refs.org.booking_horizon_days as number,
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
  const zone = refs.location.time_zone as string;
  const span = { start: Date.parse(window.startUtc), end: Date.parse(window.endUtc) };
  const dayBefore = DateTime.fromISO(window.startLocal.slice(0, 10), { zone: 'utc' }).minus({ days: 1 }).toISODate()!;
  const intervals = intervalsOf(refs.hours, dayBefore, window.endLocal.slice(0, 10), zone);
  if (!intervals.some((i) => i.start <= span.start && span.end <= i.end)) {
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

const blockedIn = (resource: Item, span: { start: number; end: number }) => timeOffOf(resource).some((t) => t.start < span.end && t.end > span.start);

/**
 * The free operatories among a location's active ones for a window, in name order (or a 409/422
 * saying why none): chairs blocked by time off are left out, and the rest's exact lock keys for the
 * window are one batch read.
 */
async function freeOperatories(orgId: string, operatories: Item[], window: BookingWindow): Promise<{ candidates: Item[]; busy: Conflict[] }> {
  if (operatories.length === 0) {
    throw unprocessable('The location has no active operatory to book.', [{ path: 'body.location_uuid', message: 'no active operatory' }]);
  }
  const span = { start: Date.parse(window.startUtc), end: Date.parse(window.endUtc) };
  const open = operatories.filter((o) => !blockedIn(o, span));
  if (open.length === 0) {
    throw unprocessable('Every operatory of the location is blocked in this window.', [{ path: 'body.location_uuid', message: 'no operatory free of time off' }]);
  }
  const lockKey = (o: Item, g: string) => keys.operatorySlot(orgId, o.uuid as string, g);
  const get = await getMany(open.flatMap((o) => window.granules.map((g) => lockKey(o, g))));
  const busy: Conflict[] = [];
  const candidates = open.filter((o) => {
    const held = window.granules.map((g) => get(lockKey(o, g))).find((l) => l !== undefined);
    if (held) busy.push({ resource: 'operatory', resource_uuid: o.uuid as string, appointment_uuid: held.appointment_uuid as string, slot_start: held.sk as string });
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
    for (let attempt = 1; ; attempt++) {
      try {
        return await bookOnce(orgId, actor, input, now, idempotency, attempt === 1);
      } catch (error) {
        if (!(error instanceof ScheduleChanged)) throw error;
        if (attempt >= GUARD_ATTEMPTS) throw scheduleKeptChanging();
        await guardBackoff(attempt);
      }
    }
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
  // One stage: the references (with hours and time off), the key's record, the location's chairs.
  const recordRef = idempotency ? idempotencyRecordRef(orgId, idempotency) : undefined;
  const recordKey = recordRef?.key;
  const [read, chairs] = await Promise.all([
    readReferences(orgId, input, recordKey ? [recordKey] : []),
    input.operatory_uuid ? Promise.resolve(undefined) : activeOperatories(orgId, input.location_uuid),
  ]);
  if (first && idempotency && recordKey) {
    const record = read.get(recordKey);
    const replay = recallReplay<Appointment>(record && recordRef?.read(record), idempotency, now);
    if (replay) return replay;
  }
  const refs = checkReferences(read);
  // Read only now: the token is verified before the first read's answer arrives (request-gate.ts).
  const { tokenId } = actor;
  const window = planWindow(refs, input, now);
  assertScheduled(refs, window);

  // The chair: the one asked for, or else the free operatories of the location, in name order.
  const { candidates, busy } = refs.operatory ? { candidates: [refs.operatory], busy: [] as Conflict[] } : await freeOperatories(orgId, chairs ?? [], window);

  const appointmentId = randomUUID();
  const createdAt = nowIso(now);
  for (const operatory of candidates) {
    const operatoryId = operatory.uuid as string;
    const item = {
      ...keys.appointment(orgId, appointmentId),
      ...viewKeys(orgId, appointmentId, input.patient_uuid, window.startUtc),
      entity: 'appointment',
      uuid: appointmentId,
      version: 1,
      status: 'scheduled',
      patient_uuid: input.patient_uuid,
      appointment_type_uuid: input.appointment_type_uuid,
      location_uuid: input.location_uuid,
      provider_uuid: input.provider_uuid,
      operatory_uuid: operatoryId,
      start_utc: window.startUtc,
      end_utc: window.endUtc,
      time_zone: refs.location.time_zone as string,
      lock_granule_minutes: lockGranuleMinutes(refs.org),
      notes: input.notes ?? undefined,
      created_at: createdAt,
      created_by_token: tokenId,
      status_history: [{ at: createdAt, token_id: tokenId, from: null, to: 'scheduled', reason: null }],
    };
    const appointment = toAppointment(item, { ...refs, operatory });
    const locks = lockRefs(orgId, { providerId: input.provider_uuid, operatoryId, granules: window.granules });
    const tx = namedTransaction([
      // The key's record first: `lostRace` looks for it at index 0.
      ...(idempotency ? [['idempotency', rememberAnswer(orgId, idempotency, appointment, now)] as const] : []),
      ['appointment', { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }] as const,
      ...locks.map((l) => ['lock', takeLock(l, appointmentId, lockGranuleMinutes(refs.org))] as const),
      ['provider-guard', bookingGuard(keys.provider(orgId, input.provider_uuid), refs.provider)] as const,
      ['operatory-guard', bookingGuard(keys.operatory(orgId, input.location_uuid, operatoryId), operatory)] as const,
      ['audit', auditItem(orgId, actor, 'appointment.create', 'appointment', appointmentId, now)] as const,
    ]);
    try {
      await transactWrite(tx.items, { witness: keys.appointment(orgId, appointmentId) });
      return appointment;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (idempotency && tx.failedNames(error).has('idempotency')) {
        const first = await recall<Appointment>(orgId, idempotency, now);
        if (first) return first;
      }
      const conflicts = conflictsOf(error);
      const failed = tx.failedNames(error);
      if (conflicts.length === 0) {
        if (failed.has('provider-guard') || (failed.has('operatory-guard') && refs.operatory)) throw new ScheduleChanged();
        // A chair found free was deactivated or blocked since: try the next one.
        if (failed.has('operatory-guard')) continue;
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

export async function readAppointmentItem(orgId: string, appointmentId: string): Promise<Item> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: keys.appointment(orgId, appointmentId), ConsistentRead: true }));
  if (!out.Item) throw notFound(`No appointment ${appointmentId} in this organisation.`);
  return out.Item;
}

export async function getAppointment(orgId: string, appointmentId: string): Promise<{ appointment: Appointment; etag: string }> {
  const item = await readAppointmentItem(orgId, appointmentId);
  const [appointment] = await expandAppointments(orgId, [item]);
  return { appointment: appointment!, etag: etagOf(item) };
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
