/** Schemas of a location's operatories (chairs). */
import * as z from 'zod/mini';
import { OrgPath, Text, Uuid, nonEmpty } from './common.ts';

export const Operatory = z.object({ uuid: z.string(), location_uuid: z.string(), name: z.string(), is_active: z.boolean() });
export type Operatory = z.infer<typeof Operatory>;
export const OperatoryList = z.object({ items: z.array(Operatory), total: z.number().check(z.int()) });
export const OperatoryPath = z.extend(OrgPath, { location_uuid: Uuid, operatory_uuid: Uuid });
export const CreateOperatoryBody = z.strictObject({ name: Text(100) });
export const UpdateOperatoryBody = nonEmpty(
  z.strictObject({
    name: z.optional(Text(100)),
    is_active: z.optional(z.boolean()).check(z.describe('`false` deactivates the chair: it is no longer booked or offered.')),
  }),
);
