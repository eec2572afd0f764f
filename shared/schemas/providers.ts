/** Schemas of providers. */
import * as z from 'zod/mini';
import { OrgPath, Text, Uuid, nonEmpty } from './common.ts';

export const Provider = z.object({
  uuid: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  title: z.string(),
  is_active: z.boolean(),
  can_examine: z.boolean().check(z.describe('Whether the provider may take appointment types with `requires_exam: true`.')),
});
export type Provider = z.infer<typeof Provider>;
export const ProviderList = z.object({ items: z.array(Provider), total: z.number().check(z.int()) });
export const ProviderPath = z.extend(OrgPath, { provider_uuid: Uuid });
export const ListProvidersQuery = z.strictObject({
  is_active: z.optional(z.pipe(z.enum(['true', 'false']), z.transform((v: 'true' | 'false') => v === 'true'))),
});
export const CreateProviderBody = z.strictObject({
  first_name: Text(100),
  last_name: Text(100),
  title: Text(20).check(z.describe('Credentials, e.g. DDS, DMD, RDH.')),
  can_examine: z.optional(z.boolean()).check(
    z.describe('Whether the provider may take appointment types with `requires_exam: true` (default `true`). Changing it does not touch booked appointments.'),
  ),
});
export const UpdateProviderBody = nonEmpty(
  z.extend(z.partial(CreateProviderBody), {
    is_active: z.optional(z.boolean()).check(z.describe('`false` deactivates the provider: no new bookings, no availability.')),
  }),
);
