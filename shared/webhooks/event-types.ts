/**
 * Which events an endpoint wants: exact types (`appointment.cancelled`), a family wildcard
 * (`appointment.*`) or everything (`*`). `webhook.test` goes only to the endpoint it was sent for,
 * whatever it subscribes to.
 */
import { EVENT_TYPES, type EventType } from '../schemas/event-types.ts';

const FAMILIES = [...new Set(EVENT_TYPES.map((t) => t.split('.')[0]!))];

/** Whether a pattern names at least one event type (for validating what is subscribed). */
export function isKnownPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return FAMILIES.includes(pattern.slice(0, -2));
  return (EVENT_TYPES as readonly string[]).includes(pattern);
}

/** Whether an endpoint subscribed to `patterns` receives an event of `type`. */
export function subscribes(patterns: readonly string[], type: EventType): boolean {
  if (type === 'webhook.test') return false;
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}
