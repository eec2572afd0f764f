/** Schemas of a practice's locations. */
import * as z from 'zod';
import { isValidTimeZone } from '../time/zones.ts';
import { MultiLineText, OrgPath, Text, Uuid, nonEmpty } from './common.ts';

const TimeZone = z
  .string()
  .max(64, { message: 'must be an IANA time zone such as America/Los_Angeles', abort: true })
  .refine((zone) => zone !== '' && isValidTimeZone(zone) && zone.includes('/'), 'must be an IANA time zone such as America/Los_Angeles')
  .describe('IANA time zone, e.g. `America/Los_Angeles`.');

export const Location = z.object({
  uuid: z.string(),
  name: z.string(),
  time_zone: z.string(),
  address: z.string().nullable(),
});
export type Location = z.infer<typeof Location>;
export const LocationList = z.object({ items: z.array(Location), total: z.number().int() });
export const LocationPath = OrgPath.extend({ location_uuid: Uuid });
export const CreateLocationBody = z.strictObject({
  name: Text(200),
  time_zone: TimeZone,
  address: MultiLineText(500).nullable().optional(),
});
export const UpdateLocationBody = nonEmpty(CreateLocationBody.partial());
