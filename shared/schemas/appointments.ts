import * as z from 'zod';
import { LocalDateTime, OrgPath, Uuid } from './common.ts';

export const BookAppointmentBody = z.strictObject({
  patient_uuid: Uuid,
  appointment_type_uuid: Uuid,
  location_uuid: Uuid,
  provider_uuid: Uuid,
  /** Optional: without it, a free operatory of the location is chosen. */
  operatory_uuid: Uuid.optional(),
  scheduled_start: LocalDateTime,
  scheduled_end: LocalDateTime,
  notes: z.string().trim().max(2000).nullable().optional(),
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
  scheduled_start: z.string(),
  scheduled_end: z.string(),
  time_zone: z.string(),
  location: z.object({ uuid: z.string(), name: z.string() }),
  provider: z.object({ uuid: z.string(), first_name: z.string(), last_name: z.string(), title: z.string() }),
  operatory: z.object({ uuid: z.string(), name: z.string() }),
  notes: z.string().nullable(),
  created_at: z.string(),
});
export type Appointment = z.infer<typeof Appointment>;
