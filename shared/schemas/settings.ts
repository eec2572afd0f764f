/** Schemas of the organisation's settings. */
import * as z from 'zod/mini';
import { ALLOWED_GRANULARITIES } from '../time/granules.ts';
import { Text, nonEmpty } from './common.ts';

export const Settings = z.object({
  name: z.string(),
  slot_granularity_minutes: z.number().check(z.int(), z.describe('Appointments start and end on this grid (5, 10 or 15).')),
  booking_horizon_days: z.number().check(z.int(), z.describe('How far ahead a booking may start.')),
  lock_granule_minutes: z
    .number()
    .check(z.int(), z.describe('The unit of slot locks, fixed when the organisation is created; the granularity must be a multiple of it.')),
});
export type Settings = z.infer<typeof Settings>;
export const UpdateSettingsBody = nonEmpty(
  z.strictObject({
    name: z.optional(Text(200)),
    slot_granularity_minutes: z.optional(
      z.union(ALLOWED_GRANULARITIES.map((g) => z.literal(g)) as [z.ZodMiniLiteral<5>, z.ZodMiniLiteral<10>, z.ZodMiniLiteral<15>]),
    ),
    booking_horizon_days: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1096))),
  }),
);
