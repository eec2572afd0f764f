/**
 * Schemas of events (shared/domain/events.ts): the payloads webhooks send and the pull feed lists,
 * and the feed's query. The list of event types is ./event-types.ts (no schemas in it, so the
 * functions that write events do not bundle these).
 */
import * as z from 'zod/mini';
import { queryInt } from './common.ts';
import { EVENT_TYPES, type EventType } from './event-types.ts';

/**
 * How old an event must be before the feed lists it: longer than any request that writes one can
 * run (the functions time out after 10 s, retries included), so no event can still commit with an
 * earlier id once a reader has moved past it.
 */
export const FEED_SETTLE_SECONDS = 30;

/** An event id: `evt_` and a ULID (26 Crockford base-32 characters: digits and capitals without I, L, O, U). */
export const EVENT_ID_PATTERN = /^evt_[0-9A-HJKMNP-TV-Z]{26}$/;
const EventId = z.string().check(z.regex(EVENT_ID_PATTERN, 'must be an event id: evt_ and 26 characters of 0-9 and A-Z without I, L, O or U'));

export { EVENT_TYPES, type EventType };
type AppointmentEventType = Extract<EventType, `appointment.${string}`>;
type FeedEventType = Exclude<EventType, 'webhook.test'>;

const APPOINTMENT_EVENT_TYPES = EVENT_TYPES.filter((t): t is AppointmentEventType => t.startsWith('appointment.')) as [AppointmentEventType, ...AppointmentEventType[]];

/** Every event type the feed lists: all but `webhook.test`, which is for one endpoint. */
export const FEED_EVENT_TYPES = EVENT_TYPES.filter((t): t is FeedEventType => t !== 'webhook.test');

const envelope = {
  id: z.string().check(z.describe('The event id (`evt_` + a ULID, so ids sort by when they were made); the same in the `webhook-id` header of every delivery attempt.')),
  timestamp: z.string().check(z.describe('When the change was made, UTC.')),
  org_id: z.string(),
};

export const AppointmentEvent = z.object({
  ...envelope,
  type: z.enum(APPOINTMENT_EVENT_TYPES),
  data: z.object({
    appointment_uuid: z.string(),
    location_uuid: z.string(),
    status: z.string().check(z.describe('The status after the change.')),
    previous_status: z.nullable(z.string()).check(z.describe('The status before it; `null` for a booking.')),
    version: z.string().check(z.describe('The appointment’s ETag after the change (such as `"2"`: what `GET …/appointments/{uuid}` answers in `ETag` then). Deliveries may arrive out of order; the number in it grows with every change.')),
  }),
});

export const PatientEvent = z.object({
  ...envelope,
  type: z.literal('patient.created'),
  data: z.object({ patient_uuid: z.string() }),
});

export const ScheduleEvent = z.object({
  ...envelope,
  type: z.literal('schedule.changed'),
  data: z.object({
    change: z.enum(['time_off.created', 'time_off.deleted', 'working_hours.updated']),
    provider_uuid: z.nullable(z.string()),
    operatory_uuid: z.nullable(z.string()),
    location_uuid: z.nullable(z.string()),
    affected_appointment_uuids: z.array(z.string()).check(z.describe('The live appointments the change leaves inside a new block or outside new hours (as the change’s own answer reports them); none for a deleted block.')),
  }),
});

/** What a receiver gets and the feed lists: uuids, statuses and versions only, never patient data. */
export const EventPayload = z.union([AppointmentEvent, PatientEvent, ScheduleEvent]);

export const EventsQuery = z.strictObject({
  after: z.optional(EventId).check(z.describe('The `next_after` of the previous page (or any event id): only events after it. Absent: from the oldest kept.')),
  limit: queryInt(1, 100, 50).check(z.describe('At most this many events per page.')),
});

export const EventFeed = z.object({
  items: z.array(EventPayload).check(z.describe('Oldest first.')),
  next_after: z
    .nullable(z.string())
    .check(z.describe('Pass as `after` for the next page. `null`: nothing new yet — ask again later with the same `after`. A page may hold fewer than `limit` events while more follow.')),
});
