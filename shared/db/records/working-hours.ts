/**
 * Working hours as stored (pure: no I/O, so pure code and its unit tests can use it): a list of
 * periods of weekly hours. Items written before periods existed hold one period inline; they are
 * read as that one period.
 */
import type { Item } from '../operations.ts';
import type { WEEKDAYS } from '../../schemas/working-hours.ts';

export type WeeklyByName = Partial<Record<(typeof WEEKDAYS)[number], { start: string; end: string }[]>>;

/** Weekly hours in force from a date (inclusive) to a date (inclusive; `null`: open). */
export type Period = { from: string | null; to: string | null; weekly: WeeklyByName };

export type WorkingHoursRecord = {
  provider_uuid: string;
  location_uuid: string;
  /** The location's zone when the hours were written (absent on the oldest items: UTC). */
  time_zone?: string;
  periods: Period[];
  /** Raised by every PUT (absent until the first). */
  version?: number;
  updated_at?: string;
};

export function toWorkingHoursRecord(item: Item): WorkingHoursRecord {
  const periods: Period[] = Array.isArray(item.periods)
    ? (item.periods as Period[])
    : [{ from: (item.effective_from as string | undefined) ?? null, to: (item.effective_to as string | undefined) ?? null, weekly: (item.weekly ?? {}) as WeeklyByName }];
  return {
    provider_uuid: item.provider_uuid as string,
    location_uuid: item.location_uuid as string,
    ...(typeof item.time_zone === 'string' ? { time_zone: item.time_zone } : {}),
    periods,
    ...(typeof item.version === 'number' ? { version: item.version } : {}),
    ...(typeof item.updated_at === 'string' ? { updated_at: item.updated_at } : {}),
  };
}
