import * as z from 'zod/mini';
import { IsoDate, LocalDateTime, MultiLineText, OrgPath, Uuid, queryInt } from './common.ts';

export const BookAppointmentBody = z.strictObject({
  patient_uuid: Uuid.check(z.describe('The patient (from `GET /patients`).')),
  appointment_type_uuid: Uuid.check(z.describe('An active appointment type (from `GET /appointment-types`).')),
  location_uuid: Uuid.check(z.describe('The location; its time zone is the one of `scheduled_start` and `scheduled_end`.')),
  provider_uuid: Uuid.check(z.describe('The provider (dentist or hygienist) to book.')),
  operatory_uuid: z.optional(Uuid).check(z.describe('The operatory (chair). Without it, a free operatory of the location is chosen.')),
  scheduled_start: LocalDateTime.check(
    z.describe(
      'Wall-clock start at the location, e.g. `2025-05-20T10:00:00`, on the practice’s slot grid, not in the past. Inside the repeated hour of a fall-back day add the offset (`2026-11-01T01:30:00-08:00`).',
    ),
  ),
  scheduled_end: LocalDateTime.check(z.describe('Wall-clock end at the location, after `scheduled_start`; usually start + the type’s `duration_minutes`.')),
  notes: z.optional(z.nullable(MultiLineText(2000))).check(z.describe('Free text for the front desk; `null` for none.')),
});
export type BookAppointmentInput = z.infer<typeof BookAppointmentBody>;

export const AppointmentPath = z.extend(OrgPath, { appointment_uuid: Uuid });

export const APPOINTMENT_STATUSES = ['scheduled', 'confirmed', 'arrived', 'completed', 'cancelled', 'no_show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const StatusChange = z.object({
  at: z.string().check(z.describe('When, UTC.')),
  token_id: z.string().check(z.describe('The API token that made the change.')),
  from: z.nullable(z.enum(APPOINTMENT_STATUSES)).check(z.describe('`null` for the booking itself.')),
  to: z.enum(APPOINTMENT_STATUSES),
  reason: z.nullable(z.string()),
});

export const ChangeStatusBody = z.strictObject({
  status: z
    .enum(APPOINTMENT_STATUSES)
    .check(
      z.describe(
        'scheduled → confirmed → arrived → completed; scheduled or confirmed → cancelled; scheduled or confirmed → no_show once the start has passed. Any other status (`scheduled` included: nothing goes back to it) is a 409 `status-conflict`.',
      ),
    ),
  reason: z.optional(z.nullable(MultiLineText(500))),
});

export const UpdateAppointmentBody = z
  .strictObject({
    scheduled_start: z.optional(LocalDateTime),
    scheduled_end: z.optional(LocalDateTime),
    provider_uuid: z.optional(Uuid),
    operatory_uuid: z.optional(Uuid).check(z.describe('Another operatory of the same location.')),
    appointment_type_uuid: z.optional(Uuid),
    notes: z.optional(z.nullable(MultiLineText(2000))).check(z.describe('`null` clears the notes.')),
  })
  .check(
    z.refine((b) => Object.keys(b).length > 0, { message: 'send at least one field to change' }),
    z.refine((b) => (b.scheduled_start === undefined) === (b.scheduled_end === undefined), {
      message: 'send scheduled_start and scheduled_end together',
      path: ['scheduled_end'],
    }),
  );
export type UpdateAppointmentInput = z.infer<typeof UpdateAppointmentBody>;

export const Appointment = z.object({
  uuid: z.string(),
  status: z.enum(APPOINTMENT_STATUSES),
  patient: z.object({ uuid: z.string(), first_name: z.string(), last_name: z.string() }),
  appointment_type: z.object({
    uuid: z.string(),
    name: z.string(),
    duration_minutes: z.number().check(z.int()),
    color: z.string(),
  }),
  scheduled_start: z.string().check(z.describe('Wall-clock start at the location (offset added only inside a repeated fall-back hour).')),
  scheduled_end: z.string().check(z.describe('Wall-clock end at the location.')),
  time_zone: z.string().check(z.describe('IANA time zone of the location, in which the two times above are given.')),
  location: z.object({ uuid: z.string(), name: z.string() }),
  provider: z.object({ uuid: z.string(), first_name: z.string(), last_name: z.string(), title: z.string() }),
  operatory: z.object({ uuid: z.string(), name: z.string() }),
  notes: z.nullable(z.string()),
  created_at: z.string().check(z.describe('When it was booked, UTC.')),
  status_history: z.array(StatusChange).check(z.describe('Every status change, oldest first, starting with the booking.')),
});
export type Appointment = z.infer<typeof Appointment>;

/** Widest range of one day-view request. */
export const MAX_APPOINTMENT_LIST_DAYS = 31;

export const ListAppointmentsQuery = z
  .strictObject({
    date_from: IsoDate.check(z.describe('First date (local at each appointment’s location).')),
    date_to: IsoDate.check(z.describe(`Last date, inclusive; at most ${MAX_APPOINTMENT_LIST_DAYS} days after date_from counting both.`)),
    location_uuid: z.optional(Uuid),
    provider_uuid: z.optional(Uuid),
    operatory_uuid: z.optional(Uuid),
    patient_uuid: z.optional(Uuid),
    status: z.optional(z.enum(APPOINTMENT_STATUSES)),
    page: queryInt(1, 10_000, 1),
    page_size: queryInt(1, 100, 20),
  })
  .check(
    z.refine((q) => q.date_from <= q.date_to, { message: 'date_to must not be before date_from', path: ['date_to'] }),
    z.refine((q) => (Date.parse(q.date_to) - Date.parse(q.date_from)) / 86_400_000 < MAX_APPOINTMENT_LIST_DAYS, {
      message: `the range may cover at most ${MAX_APPOINTMENT_LIST_DAYS} days`,
      path: ['date_to'],
    }),
  );

export const PatientAppointmentsQuery = z.strictObject({
  status: z.optional(z.enum(APPOINTMENT_STATUSES)),
  page: queryInt(1, 10_000, 1),
  page_size: queryInt(1, 100, 20),
});

export const AppointmentPage = z.object({
  items: z.array(Appointment),
  page: z.number().check(z.int()),
  page_size: z.number().check(z.int()),
  total: z.number().check(z.int()),
});
