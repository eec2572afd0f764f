/** Schemas of the practice's setup: locations, operatories, providers, hours, time off, types, settings. */
import * as z from 'zod';
import { isValidTimeZone } from '../time/wall-clock.ts';
import { ALLOWED_GRANULARITIES } from '../time/granules.ts';
import { IsoDate, LocalDateTime, MultiLineText, OrgPath, Text, Uuid } from './common.ts';

const TimeZone = z
  .string()
  .max(64, { message: 'must be an IANA time zone such as America/Los_Angeles', abort: true })
  .refine((zone) => zone !== '' && isValidTimeZone(zone) && zone.includes('/'), 'must be an IANA time zone such as America/Los_Angeles')
  .describe('IANA time zone, e.g. `America/Los_Angeles`.');

/** At least one field: an empty PATCH is a client bug worth naming. */
const nonEmpty = <T extends z.ZodObject>(schema: T) =>
  schema.refine((value) => Object.keys(value).length > 0, { message: 'send at least one field to change' });

// Locations --------------------------------------------------------------------------------------

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

// Operatories ------------------------------------------------------------------------------------

export const Operatory = z.object({ uuid: z.string(), location_uuid: z.string(), name: z.string(), is_active: z.boolean() });
export type Operatory = z.infer<typeof Operatory>;
export const OperatoryList = z.object({ items: z.array(Operatory), total: z.number().int() });
export const OperatoryPath = LocationPath.extend({ operatory_uuid: Uuid });
export const CreateOperatoryBody = z.strictObject({ name: Text(100) });
export const UpdateOperatoryBody = nonEmpty(
  z.strictObject({ name: Text(100).optional(), is_active: z.boolean().optional().describe('`false` deactivates the chair: it is no longer booked or offered.') }),
);

// Providers --------------------------------------------------------------------------------------

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

// Working hours ----------------------------------------------------------------------------------

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

const TimeOfDay = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:mm (00:00–24:00)')
  .refine((t) => Number(t.slice(3)) % 5 === 0, 'must be on a 5-minute boundary');
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

const DayIntervals = z
  .array(z.strictObject({ start: TimeOfDay, end: TimeOfDay }))
  .max(6)
  .superRefine((intervals, ctx) => {
    const sorted = [...intervals].sort((a, b) => minutes(a.start) - minutes(b.start));
    sorted.forEach((interval, i) => {
      if (minutes(interval.end) <= minutes(interval.start)) ctx.addIssue({ code: 'custom', message: `${interval.start}–${interval.end}: end must be after start` });
      const next = sorted[i + 1];
      if (next && minutes(next.start) < minutes(interval.end)) ctx.addIssue({ code: 'custom', message: `${interval.start}–${interval.end} overlaps ${next.start}–${next.end}` });
    });
  });

export const WeeklySchedule = z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, DayIntervals.optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<typeof DayIntervals>>);

export const WorkingHoursPath = ProviderPath.extend({ location_uuid: Uuid });
export const PutWorkingHoursBody = z
  .strictObject({
    weekly: WeeklySchedule.describe('Local working intervals per weekday at this location; a missing or empty day is a day off.'),
    effective_from: IsoDate.nullable().optional().describe('First day these hours apply (inclusive); open-ended when absent.'),
    effective_to: IsoDate.nullable().optional().describe('Last day these hours apply (inclusive); open-ended when absent.'),
  })
  .refine((b) => !b.effective_from || !b.effective_to || b.effective_from <= b.effective_to, {
    message: 'effective_to must not be before effective_from',
    path: ['effective_to'],
  });
const WeeklyOut = z.record(z.enum(WEEKDAYS), z.array(z.object({ start: z.string(), end: z.string() })));
export const WorkingHours = z.object({
  provider_uuid: z.string(),
  location_uuid: z.string(),
  weekly: WeeklyOut.describe('The hours in force today (or, when none are yet, the first that will be).'),
  effective_from: z.string().nullable(),
  effective_to: z.string().nullable(),
  scheduled_changes: z
    .array(z.object({ weekly: WeeklyOut, effective_from: z.string(), effective_to: z.string().nullable() }))
    .describe('Hours that take over on a later date (a PUT with a future `effective_from`), by date.'),
});
export type WorkingHours = z.infer<typeof WorkingHours>;

/** A live appointment a schedule change touches, as the change reports it (wall-clock times at its location). */
export const AffectedAppointment = z.object({
  uuid: z.string(),
  scheduled_start: z.string(),
  scheduled_end: z.string(),
  status: z.string(),
});
export const WorkingHoursChange = WorkingHours.extend({
  affected_appointments: z
    .array(AffectedAppointment)
    .describe('Future live appointments of the provider at this location that these hours leave outside (they are not moved: call the patients).'),
});
export const WorkingHoursList = z.object({ items: z.array(WorkingHours), total: z.number().int() });

// Time off ---------------------------------------------------------------------------------------

/** Longest single time-off entry; longer leave is several entries (keeps availability reads bounded). */
export const MAX_TIME_OFF_DAYS = 92;

export const CreateTimeOffBody = z
  .strictObject({
    provider_uuid: Uuid.optional().describe('Block a provider (everywhere) — or'),
    operatory_uuid: Uuid.optional().describe('block an operatory of `location_uuid`.'),
    location_uuid: Uuid.describe('Whose time zone `start` and `end` are in (and the operatory’s location).'),
    start: LocalDateTime,
    end: LocalDateTime,
    reason: MultiLineText(200).nullable().optional(),
  })
  .refine((b) => (b.provider_uuid === undefined) !== (b.operatory_uuid === undefined), {
    message: 'name exactly one of provider_uuid and operatory_uuid',
    path: ['provider_uuid'],
  });
export const TimeOff = z.object({
  uuid: z.string(),
  provider_uuid: z.string().nullable(),
  operatory_uuid: z.string().nullable(),
  location_uuid: z.string(),
  start: z.string(),
  end: z.string(),
  time_zone: z.string(),
  reason: z.string().nullable(),
  affected_appointments: z
    .array(AffectedAppointment)
    .describe('The live appointments of the provider (or operatory) this time off overlapped when it was created, as they were then. They are not cancelled.'),
});
export type TimeOff = z.infer<typeof TimeOff>;
export const TimeOffPath = OrgPath.extend({ time_off_uuid: Uuid });
/** Widest range of one time-off list (the list is not paginated: the range bounds it). */
export const MAX_TIME_OFF_LIST_DAYS = 366;
export const ListTimeOffQuery = z
  .strictObject({
    provider_uuid: Uuid.optional(),
    operatory_uuid: Uuid.optional(),
    location_uuid: Uuid.optional().describe('Required with operatory_uuid.'),
    date_from: IsoDate,
    date_to: IsoDate.describe(`Last date, inclusive; at most ${MAX_TIME_OFF_LIST_DAYS} days after date_from counting both.`),
  })
  .refine((q) => (q.provider_uuid === undefined) !== (q.operatory_uuid === undefined), { message: 'name exactly one of provider_uuid and operatory_uuid', path: ['provider_uuid'] })
  .refine((q) => q.operatory_uuid === undefined || q.location_uuid !== undefined, { message: 'operatory_uuid needs location_uuid', path: ['location_uuid'] })
  .refine((q) => q.date_from <= q.date_to, { message: 'date_to must not be before date_from', path: ['date_to'] })
  .refine((q) => (Date.parse(q.date_to) - Date.parse(q.date_from)) / 86_400_000 < MAX_TIME_OFF_LIST_DAYS, {
    message: `the range may cover at most ${MAX_TIME_OFF_LIST_DAYS} days`,
    path: ['date_to'],
  });
export const TimeOffList = z.object({ items: z.array(TimeOff), total: z.number().int() });

// Appointment types ------------------------------------------------------------------------------

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

// Settings ---------------------------------------------------------------------------------------

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

// Availability -----------------------------------------------------------------------------------

/** Widest date range one availability request may ask for (bounded cost: fixed queries per resource). */
export const MAX_AVAILABILITY_DAYS = 14;

export const AvailabilityQuery = z
  .strictObject({
    location_uuid: Uuid,
    appointment_type_uuid: Uuid,
    date_from: IsoDate.describe('First local date (at the location).'),
    date_to: IsoDate.describe(`Last local date, inclusive; at most ${MAX_AVAILABILITY_DAYS} days after date_from counting both.`),
    provider_uuid: Uuid.optional().describe('Only this provider; otherwise every active provider working at the location.'),
    duration_minutes: z
      .string()
      .regex(/^\d{1,3}$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(5).max(480))
      .optional()
      .describe('Window length; the type’s duration when absent.'),
  })
  .refine((q) => q.date_from <= q.date_to, { message: 'date_to must not be before date_from', path: ['date_to'] })
  .refine((q) => (Date.parse(q.date_to) - Date.parse(q.date_from)) / 86_400_000 < MAX_AVAILABILITY_DAYS, {
    message: `the range may cover at most ${MAX_AVAILABILITY_DAYS} days`,
    path: ['date_to'],
  });

export const AvailabilityWindow = z.object({
  scheduled_start: z.string().describe('Wall-clock start at the location, as `POST /appointments` takes it.'),
  scheduled_end: z.string(),
  provider: z.object({ uuid: z.string(), first_name: z.string(), last_name: z.string(), title: z.string() }),
  operatories: z.array(z.object({ uuid: z.string(), name: z.string() })).describe('The operatories free for the whole window.'),
});
export const Availability = z.object({
  location_uuid: z.string(),
  time_zone: z.string(),
  appointment_type_uuid: z.string(),
  duration_minutes: z.number().int(),
  items: z.array(AvailabilityWindow),
  total: z.number().int(),
});
