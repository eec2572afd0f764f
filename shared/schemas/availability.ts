/** Schemas of open time (availability). */
import * as z from 'zod';
import { IsoDate, Uuid } from './common.ts';

/** Widest date range one availability request may ask for (bounded cost: fixed queries per resource). */
export const MAX_AVAILABILITY_DAYS = 14;

export const AvailabilityQuery = z
  .strictObject({
    location_uuid: Uuid,
    appointment_type_uuid: Uuid,
    date_from: IsoDate.describe('First local date (at the location).'),
    date_to: IsoDate.describe(`Last local date, inclusive; at most ${MAX_AVAILABILITY_DAYS} days after date_from counting both.`),
    provider_uuid: Uuid.optional().describe('Only this provider; otherwise every active provider working at the location.'),
    duration_minutes: z
      .string()
      .regex(/^\d{1,3}$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(5).max(480))
      .optional()
      .describe('Window length; the type’s duration when absent.'),
  })
  .refine((q) => q.date_from <= q.date_to, { message: 'date_to must not be before date_from', path: ['date_to'] })
  .refine((q) => (Date.parse(q.date_to) - Date.parse(q.date_from)) / 86_400_000 < MAX_AVAILABILITY_DAYS, {
    message: `the range may cover at most ${MAX_AVAILABILITY_DAYS} days`,
    path: ['date_to'],
  });

export const AvailabilityWindow = z.object({
  scheduled_start: z.string().describe('Wall-clock start at the location, as `POST /appointments` takes it.'),
  scheduled_end: z.string(),
  provider: z.object({ uuid: z.string(), first_name: z.string(), last_name: z.string(), title: z.string() }),
  operatories: z.array(z.object({ uuid: z.string(), name: z.string() })).describe('The operatories free for the whole window.'),
});
export const Availability = z.object({
  location_uuid: z.string(),
  time_zone: z.string(),
  appointment_type_uuid: z.string(),
  duration_minutes: z.number().int(),
  items: z.array(AvailabilityWindow),
  total: z.number().int(),
});
