/**
 * The one list of event types: the contract's (shared/schemas/events.ts), the outbox's
 * (shared/domain/events.ts) and the webhook subscriptions' (shared/webhooks/event-types.ts). A plain
 * list with no schema in it, so every function that writes an event can import it for a few bytes.
 */
export const EVENT_TYPES = [
  'appointment.booked',
  'appointment.rescheduled',
  'appointment.updated',
  'appointment.confirmed',
  'appointment.arrived',
  'appointment.completed',
  'appointment.cancelled',
  'appointment.no_show',
  'patient.created',
  'schedule.changed',
  'webhook.test',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
