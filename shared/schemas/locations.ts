/** Schemas of a practice's locations. */
import * as z from 'zod/mini';
import { isValidTimeZone } from '../time/zones.ts';
import { MultiLineText, OrgPath, Text, Uuid, nonEmpty } from './common.ts';

const TimeZone = z
  .string()
  .check(
    z.maxLength(64, { message: 'must be an IANA time zone such as America/Los_Angeles', abort: true }),
    z.refine((zone) => zone !== '' && isValidTimeZone(zone) && zone.includes('/'), 'must be an IANA time zone such as America/Los_Angeles'),
    z.describe('IANA time zone, e.g. `America/Los_Angeles`.'),
  );

export const Location = z.object({
  uuid: z.string(),
  name: z.string(),
  time_zone: z.string(),
  address: z.nullable(z.string()),
});
export type Location = z.infer<typeof Location>;
export const LocationList = z.object({ items: z.array(Location), total: z.number().check(z.int()) });
export const LocationPath = z.extend(OrgPath, { location_uuid: Uuid });
export const CreateLocationBody = z.strictObject({
  name: Text(200),
  time_zone: TimeZone,
  address: z.optional(z.nullable(MultiLineText(500))),
});
export const UpdateLocationBody = nonEmpty(z.partial(CreateLocationBody));
