/**
 * Appointment views: the practice's appointments over a date range (day views) and one patient's
 * appointments.
 *
 * Access patterns
 * - day view: one Query on `appointments-by-start` (the org's appointments, sorted by UTC start), sort
 *   key BETWEEN the UTC bounds of the range widened by 14 hours each side — dates are local at each
 *   appointment's location and locations may sit in different zones, and no zone's offset is beyond
 *   ±14 hours. The exact local-date test and the other filters run in memory on what comes back.
 * - patient view: one Query on `appointments-by-patient` (the patient's partition, sorted by start),
 *   after a GetItem that makes an unknown patient a 404.
 * Both count every match for `total`, slice the requested page and read what that page refers to
 * (patients, types, locations, providers, operatories) in one BatchGetItem (`expandAppointments`).
 *
 * Index reads are eventually consistent: in AWS a booking or a move made a moment ago may take a
 * moment to show (DynamoDB Local applies them at once). The index projects every attribute, so the
 * page is built from the index items without reading the appointments again.
 */
import { dayNumber } from '../time/local-day.ts';
import { appointmentsOfPatient, appointmentsStartingBetween, type AppointmentRecord } from '../db/repositories/appointments.ts';
import { patientExists } from '../db/repositories/patients.ts';
import { notFound } from '../errors.ts';
import type { Appointment, AppointmentStatus } from '../schemas/appointments.ts';
import { toUtcIso, toWallClock } from '../time/wall-clock.ts';
import { expandAppointments } from './appointments.ts';
import { recordReads, SYSTEM_ACTOR, type Actor } from './audit.ts';

/** How far a local clock can be from UTC, either way (UTC+14 Line Islands; the lowest is UTC−12). */
export const MAX_ZONE_OFFSET_HOURS = 14;

export type AppointmentListQuery = {
  date_from: string;
  date_to: string;
  location_uuid?: string;
  provider_uuid?: string;
  operatory_uuid?: string;
  patient_uuid?: string;
  status?: AppointmentStatus;
  page: number;
  page_size: number;
};

export type PatientAppointmentListQuery = { status?: AppointmentStatus; page: number; page_size: number };

export type AppointmentPageResult = { items: Appointment[]; page: number; page_size: number; total: number };

/**
 * The UTC instants between which an appointment can start and still fall on a local date in
 * [dateFrom, dateTo] somewhere: from dateFrom 00:00 UTC − 14 h (midnight at UTC+14) to dateTo + 1
 * day 00:00 UTC + 14 h (exclusive; beyond midnight at UTC−12).
 */
export function widenedUtcRange(dateFrom: string, dateTo: string): { from: string; to: string } {
  const from = (dayNumber(dateFrom) * 24 - MAX_ZONE_OFFSET_HOURS) * 3_600_000;
  const to = ((dayNumber(dateTo) + 1) * 24 + MAX_ZONE_OFFSET_HOURS) * 3_600_000;
  return { from: toUtcIso(from), to: toUtcIso(to) };
}

/** The date an appointment starts on at its own location (as its `scheduled_start` shows it). */
export function localStartDate(record: AppointmentRecord): string {
  return toWallClock(record.start_utc, record.time_zone).slice(0, 10);
}

/** By start, then uuid: the order of the index sort key, restated so the pages never depend on it. */
function byStart(a: AppointmentRecord, b: AppointmentRecord): number {
  const [sa, sb] = [a.start_utc, b.start_utc];
  if (sa !== sb) return sa < sb ? -1 : 1;
  const [ua, ub] = [a.uuid, b.uuid];
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/**
 * Pure: the items of a day view, in order — those whose local start date lies in the range and that
 * match every filter given.
 *
 * The filters run here rather than as a FilterExpression: a filter expression saves no read capacity
 * (DynamoDB charges for what the key condition reads, before filtering), the local-date test cannot
 * be one anyway (it needs each item's zone), and one predicate over stored attributes keeps every
 * rule in one place. Query uuids arrive lower-cased by the schema, as the stored ones are.
 */
export function selectDayView(items: readonly AppointmentRecord[], query: Omit<AppointmentListQuery, 'page' | 'page_size'>): AppointmentRecord[] {
  const equal: [keyof AppointmentRecord, string | undefined][] = [
    ['location_uuid', query.location_uuid],
    ['provider_uuid', query.provider_uuid],
    ['operatory_uuid', query.operatory_uuid],
    ['patient_uuid', query.patient_uuid],
    ['status', query.status],
  ];
  return items
    .filter((item) => equal.every(([attribute, wanted]) => wanted === undefined || item[attribute] === wanted))
    .filter((item) => {
      const date = localStartDate(item);
      return query.date_from <= date && date <= query.date_to;
    })
    .sort(byStart);
}

async function pageOf(orgId: string, ordered: AppointmentRecord[], page: number, pageSize: number): Promise<AppointmentPageResult> {
  const slice = ordered.slice((page - 1) * pageSize, page * pageSize);
  const items = slice.length > 0 ? await expandAppointments(orgId, slice) : [];
  return { items, page, page_size: pageSize, total: ordered.length };
}

/** Day views: the organisation's appointments whose local start date lies in [date_from, date_to]. */
export async function listAppointments(orgId: string, query: AppointmentListQuery): Promise<AppointmentPageResult> {
  const range = widenedUtcRange(query.date_from, query.date_to);
  // Every start in [from, to): the upper bound is exclusive.
  const candidates = await appointmentsStartingBetween(orgId, range.from, range.to);
  return pageOf(orgId, selectDayView(candidates, query), query.page, query.page_size);
}

/** A patient's appointments, every one of them, by start (optionally of one status); recorded as a read of the patient. */
export async function listPatientAppointments(
  orgId: string,
  patientId: string,
  query: PatientAppointmentListQuery,
  actor: Actor = SYSTEM_ACTOR,
): Promise<AppointmentPageResult> {
  const [exists, appointments] = await Promise.all([patientExists(orgId, patientId), appointmentsOfPatient(orgId, patientId)]);
  if (!exists) throw notFound(`No patient ${patientId} in this organisation.`);
  const ordered = appointments.filter((item) => query.status === undefined || item.status === query.status).sort(byStart);
  const page = await pageOf(orgId, ordered, query.page, query.page_size);
  await recordReads(orgId, actor, 'patient.read', [patientId]);
  return page;
}
