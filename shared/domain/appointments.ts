/**
 * Appointments: book and read.
 *
 * Booking is one TransactWriteItems: the appointment item plus a conditional put
 * (attribute_not_exists) of a lock item for every granule of the provider and of the operatory. If
 * any granule is already held the whole transaction is cancelled — nothing is written — and the
 * held lock comes back in the cancellation reasons (ReturnValuesOnConditionCheckFailure: ALL_OLD),
 * so the 409 names the resource and the appointment in the way without another read.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { db, tableName } from '../db/client.ts';
import { keys } from '../db/keys.ts';
import { conditionFailureItem, getMany, nowIso, queryAll, transactWrite, type Item } from '../db/operations.ts';
import { notFound, slotConflict, unprocessable, type Conflict, type FieldError } from '../errors.ts';
import type { Appointment, BookAppointmentInput } from '../schemas/appointments.ts';
import { toWallClock } from '../time/wall-clock.ts';
import { planBookingWindow, type BookingWindow } from './booking-window.ts';
import { activeOperatories, lockGranuleMinutes, type Operatory } from './practice.ts';
import { intervalsOf, timeOffBetween } from './schedule.ts';
import { DateTime } from 'luxon';

/** Slot locks outlive their appointment's end by this long, then TTL removes them. */
const SLOT_RETENTION_SECONDS = 24 * 3600;

type Related = { patient: Item; type: Item; location: Item; provider: Item; operatory: Item };

function toAppointment(appt: Item, r: Related): Appointment {
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
  };
}

/** Reads everything a booking refers to in one BatchGetItem and says which references are bad. */
async function loadReferences(orgId: string, input: BookAppointmentInput) {
  const k = {
    org: keys.org(orgId),
    patient: keys.patient(orgId, input.patient_uuid),
    type: keys.appointmentType(orgId, input.appointment_type_uuid),
    location: keys.location(orgId, input.location_uuid),
    provider: keys.provider(orgId, input.provider_uuid),
    operatory: input.operatory_uuid ? keys.operatory(orgId, input.location_uuid, input.operatory_uuid) : undefined,
    hours: keys.workingHours(orgId, input.provider_uuid, input.location_uuid),
  };
  const get = await getMany(Object.values(k).filter((v) => v !== undefined));
  const found = {
    org: get(k.org),
    patient: get(k.patient),
    type: get(k.type),
    location: get(k.location),
    provider: get(k.provider),
    operatory: k.operatory ? get(k.operatory) : undefined,
    hours: get(k.hours),
  };
  const errors: FieldError[] = [];
  if (!found.patient) errors.push({ path: 'body.patient_uuid', message: 'no patient with this uuid' });
  if (!found.type) errors.push({ path: 'body.appointment_type_uuid', message: 'no appointment type with this uuid' });
  else if (found.type.is_active !== true) errors.push({ path: 'body.appointment_type_uuid', message: 'the appointment type is archived' });
  if (!found.location) errors.push({ path: 'body.location_uuid', message: 'no location with this uuid' });
  if (!found.provider) errors.push({ path: 'body.provider_uuid', message: 'no provider with this uuid' });
  else if (found.provider.is_active !== true) errors.push({ path: 'body.provider_uuid', message: 'the provider is inactive' });
  if (k.operatory) {
    if (!found.operatory) errors.push({ path: 'body.operatory_uuid', message: 'no operatory with this uuid at this location' });
    else if (found.operatory.is_active !== true) errors.push({ path: 'body.operatory_uuid', message: 'the operatory is inactive' });
  }
  if (!found.org) throw notFound('No such organisation.');
  if (errors.length > 0) throw unprocessable('The booking refers to something that does not exist or cannot be booked.', errors);
  return found as Omit<typeof found, 'operatory'> & { org: Item; patient: Item; type: Item; location: Item; provider: Item; operatory?: Item; hours?: Item };
}

/**
 * The schedule rules a booking must meet besides free slots — the same ones availability applies:
 * the whole window inside one of the provider's working intervals at the location, and no time off
 * of the provider (or of the chosen operatory) overlapping it.
 */
async function assertScheduled(orgId: string, refs: { hours?: Item; location: Item }, input: BookAppointmentInput, window: BookingWindow) {
  const zone = refs.location.time_zone as string;
  const span = { start: Date.parse(window.startUtc), end: Date.parse(window.endUtc) };
  const startDate = window.startLocal.slice(0, 10);
  const dayBefore = DateTime.fromISO(startDate, { zone: 'utc' }).minus({ days: 1 }).toISODate()!;
  const intervals = intervalsOf(refs.hours, dayBefore, window.endLocal.slice(0, 10), zone);
  if (!intervals.some((i) => i.start <= span.start && span.end <= i.end)) {
    throw unprocessable(
      refs.hours ? 'The provider does not work at this location for the whole window.' : 'The provider has no working hours at this location.',
      [{ path: 'body.scheduled_start', message: 'outside the provider’s working hours at this location' }],
    );
  }
  const [providerOff, operatoryOff] = await Promise.all([
    timeOffBetween(orgId, 'provider', input.provider_uuid, span),
    input.operatory_uuid ? timeOffBetween(orgId, 'operatory', input.operatory_uuid, span) : Promise.resolve([]),
  ]);
  const errors: FieldError[] = [
    ...(providerOff.length > 0 ? [{ path: 'body.provider_uuid', message: 'the provider has time off in this window' }] : []),
    ...(operatoryOff.length > 0 ? [{ path: 'body.operatory_uuid', message: 'the operatory is blocked in this window' }] : []),
  ];
  if (errors.length > 0) throw unprocessable('The window falls in time off.', errors);
}

function lockItem(key: { pk: string; sk: string }, resource: Conflict['resource'], resourceId: string, appointmentId: string, expiresAt: number) {
  return {
    Put: {
      TableName: tableName,
      Item: { ...key, entity: 'slot', resource_type: resource, resource_uuid: resourceId, appointment_uuid: appointmentId, expires_at: expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  };
}

/** The locks that stood in the way, one per resource (its first taken granule). */
function conflictsOf(error: TransactionCanceledException): Conflict[] {
  const byResource = new Map<string, Conflict>();
  for (const reason of error.CancellationReasons ?? []) {
    if (reason.Code !== 'ConditionalCheckFailed') continue;
    const held = conditionFailureItem(reason.Item);
    if (!held || held.entity !== 'slot') continue;
    const conflict: Conflict = {
      resource: held.resource_type as Conflict['resource'],
      resource_uuid: held.resource_uuid as string,
      appointment_uuid: held.appointment_uuid as string,
      slot_start: held.sk as string,
    };
    const id = `${conflict.resource}:${conflict.resource_uuid}`;
    const seen = byResource.get(id);
    if (!seen || conflict.slot_start < seen.slot_start) byResource.set(id, conflict);
  }
  return [...byResource.values()];
}

/** The first lock an operatory holds inside the window, if any (one strongly consistent Query). */
async function firstHeldGranule(orgId: string, operatoryId: string, window: BookingWindow): Promise<Conflict | undefined> {
  const [held] = await queryAll(
    {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: {
        ':pk': keys.operatorySlots(orgId, operatoryId).pk,
        ':first': window.granules[0],
        ':last': window.granules[window.granules.length - 1],
      },
      ConsistentRead: true,
      Limit: 1,
    },
    1,
  );
  return held
    ? { resource: 'operatory', resource_uuid: operatoryId, appointment_uuid: held.appointment_uuid as string, slot_start: held.sk as string }
    : undefined;
}

async function writeBooking(orgId: string, appointment: Item, window: BookingWindow, providerId: string, operatoryId: string) {
  const expiresAt = Math.floor(Date.parse(window.endUtc) / 1000) + SLOT_RETENTION_SECONDS;
  const id = appointment.uuid as string;
  await transactWrite([
    { Put: { TableName: tableName, Item: appointment, ConditionExpression: 'attribute_not_exists(pk)' } },
    ...window.granules.map((g) => lockItem(keys.providerSlot(orgId, providerId, g), 'provider', providerId, id, expiresAt)),
    ...window.granules.map((g) => lockItem(keys.operatorySlot(orgId, operatoryId, g), 'operatory', operatoryId, id, expiresAt)),
  ]);
}

export async function bookAppointment(
  orgId: string,
  tokenId: string,
  input: BookAppointmentInput,
  now: Date = new Date(),
): Promise<Appointment> {
  const refs = await loadReferences(orgId, input);
  const window = planBookingWindow(input, {
    timeZone: refs.location.time_zone as string,
    granularityMinutes: refs.org.slot_granularity_minutes as number,
    lockGranuleMinutes: lockGranuleMinutes(refs.org),
    horizonDays: refs.org.booking_horizon_days as number,
    now,
  });
  await assertScheduled(orgId, refs, input, window);

  // The chair: the one asked for, or else the free operatories of the location, in name order.
  let candidates: Item[];
  const busy: Conflict[] = [];
  if (refs.operatory) {
    candidates = [refs.operatory];
  } else {
    const operatories: Operatory[] = await activeOperatories(orgId, input.location_uuid);
    if (operatories.length === 0) {
      throw unprocessable('The location has no active operatory to book.', [{ path: 'body.location_uuid', message: 'no active operatory' }]);
    }
    // Per chair: the first lock it holds in the window, and whether it is blocked (time off).
    const span = { start: Date.parse(window.startUtc), end: Date.parse(window.endUtc) };
    const [held, blocked] = await Promise.all([
      Promise.all(operatories.map((o) => firstHeldGranule(orgId, o.uuid, window))),
      Promise.all(operatories.map(async (o) => (await timeOffBetween(orgId, 'operatory', o.uuid, span)).length > 0)),
    ]);
    candidates = operatories.filter((_, i) => !held[i] && !blocked[i]);
    if (candidates.length === 0 && held.every((h) => h === undefined)) {
      throw unprocessable('Every operatory of the location is blocked in this window.', [{ path: 'body.location_uuid', message: 'no operatory free of time off' }]);
    }
    busy.push(...held.filter((h): h is Conflict => h !== undefined));
    if (candidates.length === 0) throw slotConflict(busy);
  }

  const appointmentId = randomUUID();
  for (const operatory of candidates) {
    const appointment = {
      ...keys.appointment(orgId, appointmentId),
      entity: 'appointment',
      uuid: appointmentId,
      status: 'scheduled',
      patient_uuid: input.patient_uuid,
      appointment_type_uuid: input.appointment_type_uuid,
      location_uuid: input.location_uuid,
      provider_uuid: input.provider_uuid,
      operatory_uuid: operatory.uuid as string,
      start_utc: window.startUtc,
      end_utc: window.endUtc,
      time_zone: refs.location.time_zone as string,
      granularity_minutes: refs.org.slot_granularity_minutes as number,
      notes: input.notes ?? undefined,
      created_at: nowIso(now),
      created_by_token: tokenId,
    };
    try {
      await writeBooking(orgId, appointment, window, input.provider_uuid, operatory.uuid as string);
      return toAppointment(appointment, { ...refs, operatory });
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const conflicts = conflictsOf(error);
      if (conflicts.length === 0) throw error;
      // Another booking took this chair since we looked: try the next free one. A taken provider,
      // or a chair the caller chose, is final.
      const providerTaken = conflicts.some((c) => c.resource === 'provider');
      if (providerTaken || refs.operatory) throw slotConflict(conflicts);
      busy.push(...conflicts);
    }
  }
  throw slotConflict(busy);
}

export async function getAppointment(orgId: string, appointmentId: string): Promise<Appointment> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: keys.appointment(orgId, appointmentId) }));
  const appt = out.Item;
  if (!appt) throw notFound(`No appointment ${appointmentId} in this organisation.`);
  const k = {
    patient: keys.patient(orgId, appt.patient_uuid as string),
    type: keys.appointmentType(orgId, appt.appointment_type_uuid as string),
    location: keys.location(orgId, appt.location_uuid as string),
    provider: keys.provider(orgId, appt.provider_uuid as string),
    operatory: keys.operatory(orgId, appt.location_uuid as string, appt.operatory_uuid as string),
  };
  const get = await getMany(Object.values(k));
  const related = Object.fromEntries(Object.entries(k).map(([name, key]) => [name, get(key)])) as Partial<Related>;
  const missing = Object.entries(related).filter(([, v]) => !v);
  if (missing.length > 0) throw new Error(`appointment references missing items: ${missing.map(([n]) => n).join(', ')}`);
  return toAppointment(appt, related as Related);
}
