import * as z from 'zod';
import { OrgPath, Text, Uuid, nonEmpty, queryBoolean } from './common.ts';

export const ListAppointmentTypesQuery = z.strictObject({
  is_active: queryBoolean.optional().describe('`true`: only active types; `false`: only archived ones; absent: all.'),
});

export const AppointmentType = z.object({
  uuid: z.string(),
  code: z.string(),
  name: z.string(),
  duration_minutes: z.number().int(),
  color: z.string(),
  requires_exam: z.boolean(),
  is_active: z.boolean(),
});
export type AppointmentType = z.infer<typeof AppointmentType>;

export const AppointmentTypeList = z.object({
  items: z.array(AppointmentType),
  total: z.number().int(),
});

export const AppointmentTypePath = OrgPath.extend({ appointment_type_uuid: Uuid });
export const CreateAppointmentTypeBody = z.strictObject({
  code: z.string().trim().regex(/^[A-Z0-9_-]{1,12}$/, 'must be 1–12 capital letters, digits, - or _'),
  name: Text(100),
  duration_minutes: z.number().int().min(5).max(360).multipleOf(5).describe('Default length of the visit, in minutes.'),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour'),
  requires_exam: z.boolean(),
});
export const UpdateAppointmentTypeBody = nonEmpty(
  CreateAppointmentTypeBody.partial().extend({
    is_active: z.boolean().optional().describe('`false` archives the type: it can no longer be booked; its appointments stay readable.'),
  }),
);
