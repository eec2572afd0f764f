import * as z from 'zod';
import { LocalDateTime, OrgPath, Uuid } from './common.ts';

export const BookAppointmentBody = z.strictObject({
  patient_uuid: Uuid.describe('The patient (from `GET /patients`).'),
  appointment_type_uuid: Uuid.describe('An active appointment type (from `GET /appointment-types`).'),
  location_uuid: Uuid.describe('The location; its time zone is the one of `scheduled_start` and `scheduled_end`.'),
  provider_uuid: Uuid.describe('The provider (dentist or hygienist) to book.'),
  operatory_uuid: Uuid.optional().describe('The operatory (chair). Without it, a free operatory of the location is chosen.'),
  scheduled_start: LocalDateTime.describe(
    'Wall-clock start at the location, e.g. `2025-05-20T10:00:00`, on the practice’s slot grid, not in the past. Inside the repeated hour of a fall-back day add the offset (`2026-11-01T01:30:00-08:00`).',
  ),
  scheduled_end: LocalDateTime.describe('Wall-clock end at the location, after `scheduled_start`; usually start + the type’s `duration_minutes`.'),
  notes: z.string().trim().max(2000).nullable().optional().describe('Free text for the front desk.'),
});
export type BookAppointmentInput = z.infer<typeof BookAppointmentBody>;

export const AppointmentPath = OrgPath.extend({ appointment_uuid: Uuid });

export const APPOINTMENT_STATUSES = ['scheduled', 'confirmed', 'arrived', 'completed', 'cancelled', 'no_show'] as const;

export const Appointment = z.object({
  uuid: z.string(),
  status: z.enum(APPOINTMENT_STATUSES),
  patient: z.object({ uuid: z.string(), first_name: z.string(), last_name: z.string() }),
  appointment_type: z.object({
    uuid: z.string(),
    name: z.string(),
    duration_minutes: z.number().int(),
    color: z.string(),
  }),
  scheduled_start: z.string().describe('Wall-clock start at the location (offset added only inside a repeated fall-back hour).'),
  scheduled_end: z.string().describe('Wall-clock end at the location.'),
  time_zone: z.string().describe('IANA time zone of the location, in which the two times above are given.'),
  location: z.object({ uuid: z.string(), name: z.string() }),
  provider: z.object({ uuid: z.string(), first_name: z.string(), last_name: z.string(), title: z.string() }),
  operatory: z.object({ uuid: z.string(), name: z.string() }),
  notes: z.string().nullable(),
  created_at: z.string().describe('When it was booked, UTC.'),
});
export type Appointment = z.infer<typeof Appointment>;
