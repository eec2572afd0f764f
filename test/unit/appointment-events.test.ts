/**
 * Which event an appointment change is (shared/domain/appointment-events.ts): the status table over
 * every status, and an edit's type from what it changed. The integration tests (events.test.ts)
 * check the same end to end, from the table.
 */
import { describe, expect, it } from 'vitest';
import { appointmentEvent, editEventType, statusEventType, type Placement } from '#shared/domain/appointment-events.ts';
import { TRANSITIONS, type LifecycleStatus } from '#shared/domain/status-transitions.ts';
import { APPOINTMENT_STATUSES } from '#shared/schemas/appointments.ts';
import { FEED_EVENT_TYPES } from '#shared/schemas/events.ts';

const STATUSES = Object.keys(TRANSITIONS) as LifecycleStatus[];

describe('the event of a status', () => {
  it('covers every status of the lifecycle (and of the API)', () => {
    expect([...STATUSES].sort()).toEqual([...APPOINTMENT_STATUSES].sort());
  });

  it.each(STATUSES)('%s', (status) => {
    expect(statusEventType(status)).toBe(status === 'scheduled' ? 'appointment.booked' : `appointment.${status}`);
    expect(FEED_EVENT_TYPES).toContain(statusEventType(status));
  });

  it('gives each status its own type, and every status a change can reach one other than booked', () => {
    expect(new Set(STATUSES.map(statusEventType)).size).toBe(STATUSES.length);
    const reachable = new Set(Object.values(TRANSITIONS).flat());
    expect(reachable.has('scheduled')).toBe(false);
    for (const status of reachable) expect(statusEventType(status)).not.toBe('appointment.booked');
  });
});

describe('the event of an edit', () => {
  const before: Placement = { start_utc: '2027-05-20T17:00:00Z', end_utc: '2027-05-20T18:00:00Z', provider_uuid: 'p1', operatory_uuid: 'o1' };

  it('is rescheduled when the start, the end, the provider or the chair changed', () => {
    for (const change of [{ start_utc: '2027-05-20T16:00:00Z' }, { end_utc: '2027-05-20T18:30:00Z' }, { provider_uuid: 'p2' }, { operatory_uuid: 'o2' }]) {
      expect([change, editEventType(before, { ...before, ...change })]).toEqual([change, 'appointment.rescheduled']);
    }
  });

  it('is updated otherwise (type or notes, or nothing)', () => {
    expect(editEventType(before, { ...before })).toBe('appointment.updated');
  });

  it('carries uuids, statuses and the version only', () => {
    const draft = appointmentEvent('appointment.confirmed', { uuid: 'a1', location_uuid: 'l1', status: 'confirmed' }, 'scheduled', '"2"');
    expect(draft).toEqual({ type: 'appointment.confirmed', data: { appointment_uuid: 'a1', location_uuid: 'l1', status: 'confirmed', previous_status: 'scheduled', version: '"2"' } });
  });
});
