/** Schemas of time off. */
import * as z from 'zod/mini';
import { AffectedAppointment, IsoDate, LocalDateTime, MultiLineText, OrgPath, Uuid } from './common.ts';

/** Longest single time-off entry; longer leave is several entries (keeps availability reads bounded). */
export const MAX_TIME_OFF_DAYS = 92;

export const CreateTimeOffBody = z
  .strictObject({
    provider_uuid: z.optional(Uuid).check(z.describe('Block a provider (everywhere) — or')),
    operatory_uuid: z.optional(Uuid).check(z.describe('block an operatory of `location_uuid`.')),
    location_uuid: Uuid.check(z.describe('Whose time zone `start` and `end` are in (and the operatory’s location).')),
    start: LocalDateTime,
    end: LocalDateTime,
    reason: z.optional(z.nullable(MultiLineText(200))),
  })
  .check(
    z.refine((b) => (b.provider_uuid === undefined) !== (b.operatory_uuid === undefined), {
      message: 'name exactly one of provider_uuid and operatory_uuid',
      path: ['provider_uuid'],
    }),
  );
export const TimeOff = z.object({
  uuid: z.string(),
  provider_uuid: z.nullable(z.string()),
  operatory_uuid: z.nullable(z.string()),
  location_uuid: z.string(),
  start: z.string(),
  end: z.string(),
  time_zone: z.string(),
  reason: z.nullable(z.string()),
  affected_appointments: z
    .array(AffectedAppointment)
    .check(
      z.describe('The live appointments of the provider (or operatory) this time off overlapped when it was created, as they were then. They are not cancelled.'),
    ),
});
export type TimeOff = z.infer<typeof TimeOff>;
export const TimeOffPath = z.extend(OrgPath, { time_off_uuid: Uuid });
/** Widest range of one time-off list (the list is not paginated: the range bounds it). */
export const MAX_TIME_OFF_LIST_DAYS = 366;
export const ListTimeOffQuery = z
  .strictObject({
    provider_uuid: z.optional(Uuid),
    operatory_uuid: z.optional(Uuid),
    location_uuid: z.optional(Uuid).check(z.describe('Required with operatory_uuid.')),
    date_from: IsoDate,
    date_to: IsoDate.check(z.describe(`Last date, inclusive; at most ${MAX_TIME_OFF_LIST_DAYS} days after date_from counting both.`)),
  })
  .check(
    z.refine((q) => (q.provider_uuid === undefined) !== (q.operatory_uuid === undefined), { message: 'name exactly one of provider_uuid and operatory_uuid', path: ['provider_uuid'] }),
    z.refine((q) => q.operatory_uuid === undefined || q.location_uuid !== undefined, { message: 'operatory_uuid needs location_uuid', path: ['location_uuid'] }),
    z.refine((q) => q.date_from <= q.date_to, { message: 'date_to must not be before date_from', path: ['date_to'] }),
    z.refine((q) => (Date.parse(q.date_to) - Date.parse(q.date_from)) / 86_400_000 < MAX_TIME_OFF_LIST_DAYS, {
      message: `the range may cover at most ${MAX_TIME_OFF_LIST_DAYS} days`,
      path: ['date_to'],
    }),
  );
export const TimeOffList = z.object({ items: z.array(TimeOff), total: z.number().check(z.int()) });
