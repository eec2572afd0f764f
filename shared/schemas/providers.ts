/** Schemas of providers. */
import * as z from 'zod';
import { OrgPath, Text, Uuid, nonEmpty } from './common.ts';

export const Provider = z.object({ uuid: z.string(), first_name: z.string(), last_name: z.string(), title: z.string(), is_active: z.boolean() });
export type Provider = z.infer<typeof Provider>;
export const ProviderList = z.object({ items: z.array(Provider), total: z.number().int() });
export const ProviderPath = OrgPath.extend({ provider_uuid: Uuid });
export const ListProvidersQuery = z.strictObject({
  is_active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
export const CreateProviderBody = z.strictObject({
  first_name: Text(100),
  last_name: Text(100),
  title: Text(20).describe('Credentials, e.g. DDS, DMD, RDH.'),
});
export const UpdateProviderBody = nonEmpty(
  CreateProviderBody.partial().extend({ is_active: z.boolean().optional().describe('`false` deactivates the provider: no new bookings, no availability.') }),
);
