/**
 * Which event an appointment change is (events.ts), decided by pure functions, so the booking, the
 * edit and the status change each put exactly one event, of one type, and tests can cover every
 * case without a table.
 *
 * The event says what changed and carries the appointment's version after it (the ETag a GET
 * answers right after the change), never a name, a date or a note: receivers read the rest through
 * the audited API.
 */
import type { AppointmentEventData, EventDraft, EventType } from './events.ts';
import type { LifecycleStatus } from './status-transitions.ts';

type AppointmentEventType = Extract<EventType, `appointment.${string}`>;

/**
 * The event of an appointment entering a status: `scheduled` only by being booked; every other
 * status by `PATCH …/status`. A table over every status, so a new status cannot go without one.
 */
const ENTERED: Record<LifecycleStatus, AppointmentEventType> = {
  scheduled: 'appointment.booked',
  confirmed: 'appointment.confirmed',
  arrived: 'appointment.arrived',
  completed: 'appointment.completed',
  cancelled: 'appointment.cancelled',
  no_show: 'appointment.no_show',
};

/** The event type of an appointment that has just entered `status`. */
export function statusEventType(status: LifecycleStatus): AppointmentEventType {
  return ENTERED[status];
}

/** What of an appointment an edit may change (the fields the edit's event type depends on). */
export type Placement = { start_utc: string; end_utc: string; provider_uuid: string; operatory_uuid: string };

/**
 * An edit's event type: `rescheduled` when its time (start or end), provider or chair changed — even
 * if its type or notes changed too (one event per change) — else `updated` (type or notes only, or
 * nothing: the version still moved, and receivers order by it).
 */
export function editEventType(before: Placement, after: Placement): 'appointment.rescheduled' | 'appointment.updated' {
  const moved = before.start_utc !== after.start_utc || before.end_utc !== after.end_utc || before.provider_uuid !== after.provider_uuid || before.operatory_uuid !== after.operatory_uuid;
  return moved ? 'appointment.rescheduled' : 'appointment.updated';
}

/** An appointment change's event: the appointment as it is after the change, and its status before (null when booked). */
export function appointmentEvent(
  type: AppointmentEventType,
  after: { uuid: string; location_uuid: string; status: string },
  previousStatus: string | null,
  version: string,
): EventDraft<AppointmentEventType> {
  const data: AppointmentEventData = { appointment_uuid: after.uuid, location_uuid: after.location_uuid, status: after.status, previous_status: previousStatus, version };
  return { type, data };
}
