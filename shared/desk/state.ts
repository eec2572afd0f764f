/**
 * What the page holds while unlocked: the token's API, the organisation's setup, the day shown and
 * the appointments on it. main.ts owns and changes it; the dialogs read it through their context.
 */
import type { Api, Appointment, AppointmentType, Location, Operatory, Provider, TimeOff, Whoami, WorkingHours } from './api.ts';
import type { EcCalendar } from './event-calendar.d.ts';

/** An appointment on the book, with its ETag and how long a write's own answer wins over the day list. */
export interface Held {
  appt: Appointment;
  etag: string | null;
  pinnedUntil: number;
}

export interface Desk {
  api: Api;
  who: Whoami;
  locations: Location[];
  location: Location;
  operatories: Operatory[];
  providers: Provider[];
  types: AppointmentType[];
  hours: Map<string, WorkingHours>;
  timeOff: TimeOff[];
  date: string;
  view: 'day' | 'week';
  showInactive: boolean;
  appts: Map<string, Held>;
  calendar: EcCalendar | null;
  offset: number;
}
