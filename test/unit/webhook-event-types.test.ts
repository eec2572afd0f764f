/** Which events an endpoint subscribes to: exact types, family wildcards, everything; webhook.test never by subscription. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type * as EventTypes from '#shared/webhooks/event-types.ts';
import type * as Events from '#shared/domain/events.ts';

let mod: typeof EventTypes;
let EVENT_TYPES: typeof Events.EVENT_TYPES;
beforeAll(async () => {
  // events.ts makes the DynamoDB client at load (no request): it needs a table name.
  vi.stubEnv('TABLE_NAME', 'unit-test');
  mod = await import('#shared/webhooks/event-types.ts');
  ({ EVENT_TYPES } = await import('#shared/domain/events.ts'));
  vi.unstubAllEnvs();
});

describe('event types', () => {
  it('knows exact types, family wildcards and *, and nothing else', () => {
    for (const t of EVENT_TYPES) expect(mod.isKnownPattern(t)).toBe(true);
    for (const p of ['*', 'appointment.*', 'patient.*', 'schedule.*', 'webhook.*']) expect(mod.isKnownPattern(p)).toBe(true);
    for (const p of ['appointment', 'appointment.', 'appointment.deleted', 'appt.*', '*.booked', 'appointment.**', '', 'Appointment.booked', 'appointment.*.x']) expect(mod.isKnownPattern(p)).toBe(false);
  });

  it('matches an endpoint to the events it subscribed to', () => {
    expect(mod.subscribes(['appointment.booked'], 'appointment.booked')).toBe(true);
    expect(mod.subscribes(['appointment.booked'], 'appointment.cancelled')).toBe(false);
    expect(mod.subscribes(['appointment.*'], 'appointment.no_show')).toBe(true);
    expect(mod.subscribes(['appointment.*'], 'patient.created')).toBe(false);
    expect(mod.subscribes(['patient.*', 'schedule.changed'], 'schedule.changed')).toBe(true);
    expect(mod.subscribes(['*'], 'patient.created')).toBe(true);
    expect(mod.subscribes([], 'patient.created')).toBe(false);
  });

  it('never sends webhook.test by subscription, not even to *', () => {
    expect(mod.subscribes(['*'], 'webhook.test')).toBe(false);
    expect(mod.subscribes(['webhook.test'], 'webhook.test')).toBe(false);
    expect(mod.subscribes(['webhook.*'], 'webhook.test')).toBe(false);
  });

  it('* receives every type but webhook.test', () => {
    expect(EVENT_TYPES.filter((t) => mod.subscribes(['*'], t))).toEqual(EVENT_TYPES.filter((t) => t !== 'webhook.test'));
  });
});
