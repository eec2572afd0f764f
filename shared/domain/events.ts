/**
 * Events: what integrators hear about (webhooks, the pull feed). An outbox: each change's own
 * transaction also puts one event item (`eventItem`), so an event exists exactly when its change
 * committed — a refused, failed or replayed request writes none, as with the audit entries.
 *
 * Payloads are thin: uuids, statuses and the version (the ETag) only — never a name, a birth date,
 * contact details or a note (a date tied to a patient is PHI). Receivers fetch details through the
 * audited API; `version` lets them order what arrives out of order.
 *
 * The item holds the payload as the exact JSON text that is signed and sent (`body`): DynamoDB does
 * not keep a map's key order, and a retry must send the bytes the first attempt signed.
 */
import { randomBytes } from 'node:crypto';
import { keys } from '../db/keys.ts';
import type { TransactItem } from '../db/operations.ts';
import { EVENT_RETENTION_DAYS, putNewEvent, toEventRecord, type EventRecord } from '../db/repositories/events.ts';
import { TTL_ATTRIBUTE } from '../db/table-definition.ts';

import { EVENT_TYPES, type EventType } from '../schemas/event-types.ts';
/** The list is shared with the contract and the webhook subscriptions (shared/schemas/event-types.ts). */
export { EVENT_TYPES, type EventType };
/** The stored item, its reader and its retention are the repository's (shared/db/repositories/events.ts). */
export { EVENT_RETENTION_DAYS, toEventRecord, type EventRecord };


export type AppointmentEventData = {
  appointment_uuid: string;
  location_uuid: string;
  status: string;
  /** The status before the change (null when booked). */
  previous_status: string | null;
  /** The appointment's ETag after the change. */
  version: string;
};
export type PatientEventData = { patient_uuid: string };
export type ScheduleEventData = {
  change: 'time_off.created' | 'time_off.deleted' | 'working_hours.updated';
  provider_uuid: string | null;
  operatory_uuid: string | null;
  location_uuid: string | null;
  /** The live appointments the change concerns (inside a new block, outside new hours). */
  affected_appointment_uuids: string[];
};
export type WebhookTestData = { endpoint_uuid: string };

export type EventData<T extends EventType> = T extends `appointment.${string}`
  ? AppointmentEventData
  : T extends 'patient.created'
    ? PatientEventData
    : T extends 'schedule.changed'
      ? ScheduleEventData
      : WebhookTestData;

/** What a receiver gets, and what the feed lists. */
export type EventPayload<T extends EventType = EventType> = { id: string; type: T; timestamp: string; org_id: string; data: EventData<T> };

/** A change's event, before it has an id. `only_endpoint`: delivered to that endpoint alone (webhook.test). */
export type EventDraft<T extends EventType = EventType> = { type: T; data: EventData<T>; only_endpoint?: string };


const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * `evt_` + a ULID: 10 characters of milliseconds, then 16 random ones, so ids sort by the time they
 * were made (the feed's order and cursor) and two changes in one millisecond never collide.
 */
export function newEventId(now: Date = new Date()): string {
  let ms = now.getTime();
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[ms % 32] + time;
    ms = Math.floor(ms / 32);
  }
  const random = [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join('');
  return `evt_${time}${random}`;
}

/** The moment an event id was made (the ULID's time part). */
export function eventIdTime(eventId: string): number {
  let ms = 0;
  for (const c of eventId.slice(4, 14)) ms = ms * 32 + CROCKFORD.indexOf(c);
  return ms;
}

/** The outbox item of an event, its id fresh. */
export function eventRecord<T extends EventType>(orgId: string, draft: EventDraft<T>, now: Date = new Date()): EventRecord {
  const id = newEventId(now);
  const payload: EventPayload<T> = { id, type: draft.type, timestamp: now.toISOString(), org_id: orgId, data: draft.data };
  return {
    ...keys.event(orgId, id),
    entity: 'event',
    event_id: id,
    event_type: draft.type,
    org_id: orgId,
    body: JSON.stringify(payload),
    ...(draft.only_endpoint ? { only_endpoint: draft.only_endpoint } : {}),
    [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + EVENT_RETENTION_DAYS * 86_400,
  } as EventRecord;
}

/** The Put of a change's event, for the change's own transaction (beside its audit entry). */
export function eventItem<T extends EventType>(orgId: string, draft: EventDraft<T>, now: Date = new Date()): TransactItem {
  return putNewEvent(eventRecord(orgId, draft, now));
}


/** The payload of an event item. */
export function payloadOf(record: EventRecord): EventPayload {
  return JSON.parse(record.body) as EventPayload;
}
