/** Schemas of the organisation's settings. */
import * as z from 'zod';
import { ALLOWED_GRANULARITIES } from '../time/granules.ts';
import { Text, nonEmpty } from './common.ts';

export const Settings = z.object({
  name: z.string(),
  slot_granularity_minutes: z.number().int().describe('Appointments start and end on this grid (5, 10 or 15).'),
  booking_horizon_days: z.number().int().describe('How far ahead a booking may start.'),
  lock_granule_minutes: z.number().int().describe('The unit of slot locks, fixed when the organisation is created; the granularity must be a multiple of it.'),
});
export type Settings = z.infer<typeof Settings>;
export const UpdateSettingsBody = nonEmpty(
  z.strictObject({
    name: Text(200).optional(),
    slot_granularity_minutes: z.union(ALLOWED_GRANULARITIES.map((g) => z.literal(g)) as [z.ZodLiteral<5>, z.ZodLiteral<10>, z.ZodLiteral<15>]).optional(),
    booking_horizon_days: z.number().int().min(1).max(1096).optional(),
  }),
);
