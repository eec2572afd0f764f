/** The one UTC timestamp formatter of stored and answered instants. */

/** `2025-05-10T14:32:00Z`: UTC, whole seconds, as the guide prints `created_at`. */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
