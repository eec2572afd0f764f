/** Schemas of open time (availability). */
import * as z from 'zod/mini';
import { IsoDate, Uuid } from './common.ts';

/** Widest date range one availability request may ask for (bounded cost: fixed queries per resource). */
export const MAX_AVAILABILITY_DAYS = 14;

export const AvailabilityQuery = z
  .strictObject({
    location_uuid: Uuid,
    appointment_type_uuid: Uuid,
    date_from: IsoDate.check(z.describe('First local date (at the location).')),
    date_to: IsoDate.check(z.describe(`Last local date, inclusive; at most ${MAX_AVAILABILITY_DAYS} days after date_from counting both.`)),
    provider_uuid: z.optional(Uuid).check(z.describe('Only this provider; otherwise every active provider working at the location.')),
    duration_minutes: z
      .optional(
        z.pipe(
          z.pipe(z.string().check(z.regex(/^\d{1,3}$/, 'must be a whole number')), z.transform(Number)),
          z.number().check(z.int(), z.gte(5), z.lte(480)),
        ),
      )
      .check(z.describe('Window length; the type’s duration when absent.')),
  })
  .check(
    z.refine((q) => q.date_from <= q.date_to, { message: 'date_to must not be before date_from', path: ['date_to'] }),
    z.refine((q) => (Date.parse(q.date_to) - Date.parse(q.date_from)) / 86_400_000 < MAX_AVAILABILITY_DAYS, {
      message: `the range may cover at most ${MAX_AVAILABILITY_DAYS} days`,
      path: ['date_to'],
    }),
  );

export const AvailabilityWindow = z.object({
  scheduled_start: z.string().check(z.describe('Wall-clock start at the location, as `POST /appointments` takes it.')),
  scheduled_end: z.string(),
  provider: z.object({ uuid: z.string(), first_name: z.string(), last_name: z.string(), title: z.string() }),
  operatories: z.array(z.object({ uuid: z.string(), name: z.string() })).check(z.describe('The operatories free for the whole window.')),
});
export const Availability = z.object({
  location_uuid: z.string(),
  time_zone: z.string(),
  appointment_type_uuid: z.string(),
  duration_minutes: z.number().check(z.int()),
  items: z.array(AvailabilityWindow),
  total: z.number().check(z.int()),
});
