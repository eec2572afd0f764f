/** Schemas of working hours. */
import * as z from 'zod/mini';
import { AffectedAppointment, IsoDate, OrgPath, Uuid } from './common.ts';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

const TimeOfDay = z
  .string()
  .check(
    z.regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:mm (00:00–24:00)'),
    z.refine((t) => Number(t.slice(3)) % 5 === 0, 'must be on a 5-minute boundary'),
  );
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

const DayIntervals = z.array(z.strictObject({ start: TimeOfDay, end: TimeOfDay })).check(
  z.maxLength(6),
  z.superRefine((intervals: { start: string; end: string }[], ctx) => {
    const sorted = [...intervals].sort((a, b) => minutes(a.start) - minutes(b.start));
    sorted.forEach((interval, i) => {
      if (minutes(interval.end) <= minutes(interval.start)) ctx.addIssue({ code: 'custom', message: `${interval.start}–${interval.end}: end must be after start` });
      const next = sorted[i + 1];
      if (next && minutes(next.start) < minutes(interval.end)) ctx.addIssue({ code: 'custom', message: `${interval.start}–${interval.end} overlaps ${next.start}–${next.end}` });
    });
  }),
);

export const WeeklySchedule = z.strictObject(
  Object.fromEntries(WEEKDAYS.map((d) => [d, z.optional(DayIntervals)])) as Record<(typeof WEEKDAYS)[number], z.ZodMiniOptional<typeof DayIntervals>>,
);

export const WorkingHoursPath = z.extend(OrgPath, { provider_uuid: Uuid, location_uuid: Uuid });
export const PutWorkingHoursBody = z
  .strictObject({
    weekly: WeeklySchedule.check(z.describe('Local working intervals per weekday at this location; a missing or empty day is a day off.')),
    effective_from: z.optional(z.nullable(IsoDate)).check(z.describe('First day these hours apply (inclusive); open-ended when absent.')),
    effective_to: z.optional(z.nullable(IsoDate)).check(z.describe('Last day these hours apply (inclusive); open-ended when absent.')),
  })
  .check(
    z.refine((b) => !b.effective_from || !b.effective_to || b.effective_from <= b.effective_to, {
      message: 'effective_to must not be before effective_from',
      path: ['effective_to'],
    }),
  );
const WeeklyOut = z.record(z.enum(WEEKDAYS), z.array(z.object({ start: z.string(), end: z.string() })));
export const WorkingHours = z.object({
  provider_uuid: z.string(),
  location_uuid: z.string(),
  weekly: WeeklyOut.check(z.describe('The hours in force today (or, when none are yet, the first that will be).')),
  effective_from: z.nullable(z.string()),
  effective_to: z.nullable(z.string()),
  scheduled_changes: z
    .array(z.object({ weekly: WeeklyOut, effective_from: z.string(), effective_to: z.nullable(z.string()) }))
    .check(z.describe('Hours that take over on a later date (a PUT with a future `effective_from`), by date.')),
});
export type WorkingHours = z.infer<typeof WorkingHours>;

export const WorkingHoursChange = z.extend(WorkingHours, {
  affected_appointments: z
    .array(AffectedAppointment)
    .check(z.describe('Future live appointments of the provider at this location that these hours leave outside (they are not moved: call the patients).')),
});
export const WorkingHoursList = z.object({ items: z.array(WorkingHours), total: z.number().check(z.int()) });
