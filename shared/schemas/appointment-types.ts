import * as z from 'zod/mini';
import { OrgPath, Text, Uuid, nonEmpty, queryBoolean } from './common.ts';

export const ListAppointmentTypesQuery = z.strictObject({
  is_active: z.optional(queryBoolean).check(z.describe('`true`: only active types; `false`: only archived ones; absent: all.')),
});

export const AppointmentType = z.object({
  uuid: z.string(),
  code: z.string(),
  name: z.string(),
  duration_minutes: z.number().check(z.int()),
  color: z.string(),
  requires_exam: z.boolean(),
  is_active: z.boolean(),
});
export type AppointmentType = z.infer<typeof AppointmentType>;

export const AppointmentTypeList = z.object({
  items: z.array(AppointmentType),
  total: z.number().check(z.int()),
});

export const AppointmentTypePath = z.extend(OrgPath, { appointment_type_uuid: Uuid });
export const CreateAppointmentTypeBody = z.strictObject({
  code: z.string().check(z.trim(), z.regex(/^[A-Z0-9_-]{1,12}$/, 'must be 1–12 capital letters, digits, - or _')),
  name: Text(100),
  duration_minutes: z
    .number()
    .check(z.int(), z.gte(5), z.lte(360), z.multipleOf(5), z.describe('Default length of the visit, in minutes.')),
  color: z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour')),
  requires_exam: z.boolean(),
});
export const UpdateAppointmentTypeBody = nonEmpty(
  z.extend(z.partial(CreateAppointmentTypeBody), {
    is_active: z.optional(z.boolean()).check(z.describe('`false` archives the type: it can no longer be booked; its appointments stay readable.')),
  }),
);
