/** The one table of allowed status changes, read by the API and by the front desk. */
import { describe, expect, it, vi } from 'vitest';
import { APPOINTMENT_STATUSES } from '#shared/schemas/appointments.ts';
import { TRANSITIONS } from '#shared/domain/status-transitions.ts';

describe('status transitions', () => {
  it('cover every status of the API, and only those', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...APPOINTMENT_STATUSES].sort());
    for (const next of Object.values(TRANSITIONS)) for (const to of next) expect(APPOINTMENT_STATUSES).toContain(to);
  });

  it('are the table the API enforces (the front desk imports the same module)', async () => {
    // appointment-changes makes the DynamoDB client at load (no request): it needs a table name.
    vi.stubEnv('TABLE_NAME', 'unit-test');
    const { TRANSITIONS: enforced } = await import('#shared/domain/appointment-changes.ts');
    vi.unstubAllEnvs();
    expect(enforced).toBe(TRANSITIONS);
  });

  it('end in completed, cancelled and no-show; nothing goes back to scheduled', () => {
    expect(TRANSITIONS.completed).toEqual([]);
    expect(TRANSITIONS.cancelled).toEqual([]);
    expect(TRANSITIONS.no_show).toEqual([]);
    expect(Object.values(TRANSITIONS).some((next) => next.includes('scheduled'))).toBe(false);
  });
});
