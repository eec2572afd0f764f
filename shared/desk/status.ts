import type { AppointmentStatus } from './api.ts';
// The API's own table of allowed status changes: the buttons offered are exactly those.
import { TRANSITIONS } from '../domain/status-transitions.ts';

/** The status mark: an icon and a word, so colour never carries the meaning alone. */
export const STATUS_MARK: Record<AppointmentStatus, { icon: string; text: string }> = {
  scheduled: { icon: '○', text: 'Scheduled' },
  confirmed: { icon: '✓', text: 'Confirmed' },
  arrived: { icon: '➜', text: 'Arrived' },
  completed: { icon: '✔', text: 'Completed' },
  cancelled: { icon: '✕', text: 'Cancelled' },
  no_show: { icon: '⊘', text: 'No-show' },
};

export const ACTION_LABEL: Record<AppointmentStatus, string> = {
  scheduled: 'Schedule',
  confirmed: 'Confirm',
  arrived: 'Check in (arrived)',
  completed: 'Complete',
  cancelled: 'Cancel appointment…',
  no_show: 'Mark no-show',
};

/** Status buttons to offer (no-show only once the start has passed): `nowWall` and `startWall` are wall clocks at the location. */
export function allowedTransitions(status: AppointmentStatus, startWall: string, nowWall: string): AppointmentStatus[] {
  return TRANSITIONS[status].filter((to) => to !== 'no_show' || nowWall.slice(0, 16) >= startWall.slice(0, 16));
}
