/**
 * The appointment status lifecycle: which status may follow which (`PATCH …/status`; any other change
 * is a 409 naming both). Pure data without imports, so the front desk (shared/desk/status.ts) offers
 * exactly the buttons the API allows, from this same table.
 */
export type LifecycleStatus = 'scheduled' | 'confirmed' | 'arrived' | 'completed' | 'cancelled' | 'no_show';

export const TRANSITIONS: Record<LifecycleStatus, readonly LifecycleStatus[]> = {
  scheduled: ['confirmed', 'cancelled', 'no_show'],
  confirmed: ['arrived', 'cancelled', 'no_show'],
  arrived: ['completed'],
  completed: [],
  cancelled: [],
  no_show: [],
};
