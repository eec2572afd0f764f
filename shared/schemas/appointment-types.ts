import * as z from 'zod';
import { queryBoolean } from './common.ts';

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
