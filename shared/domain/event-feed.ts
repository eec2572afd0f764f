/**
 * The pull feed (`GET …/events`): an organisation's events, oldest first, after a cursor — for
 * integrators who cannot receive webhooks. One Query of the event partition's key range, bounded by
 * the page size.
 *
 * Ids are made when a request starts, but its transaction commits later: an event with an earlier id
 * could appear after a reader has moved past it. So the feed lists an event only once its id is
 * older than FEED_SETTLE_MS (30 s) — longer than any request can run (the functions time out after
 * 10 s, and every retry happens inside that) — and a reader's cursor never passes an event still to
 * come.
 */
import { eventItemsBetween } from '../db/repositories/events.ts';
import { FEED_SETTLE_SECONDS } from '../schemas/events.ts';
import { newEventId, payloadOf, toEventRecord, type EventPayload, type EventRecord } from './events.ts';

/** How old an event's id must be before the feed lists it (shared/schemas/events.ts, where the route's description reads it). */
export const FEED_SETTLE_MS = FEED_SETTLE_SECONDS * 1000;

export type EventFeedQuery = { after?: string; limit: number };
export type EventFeedPage = { items: EventPayload[]; next_after: string | null };

/**
 * Pure: the key range of the events a page may hold — after `after`, and made at least
 * FEED_SETTLE_MS before `now` — or undefined when there is none (a cursor from the future).
 */
export function feedRange(after: string | undefined, now: Date): { from: string; to: string } | undefined {
  // Every id is `evt_`, 10 characters of time, 16 random ones; `Z` is the greatest character, so
  // the last possible id of the cut-off millisecond ends the range.
  const to = `${newEventId(new Date(now.getTime() - FEED_SETTLE_MS)).slice(0, 14)}${'Z'.repeat(16)}`;
  // All ids have one length: those after `after` are exactly those from `after` plus any character.
  const from = after === undefined ? 'evt_' : `${after}0`;
  return from <= to ? { from, to } : undefined;
}

/**
 * Pure: a page from the items read. Tests of one webhook endpoint (`webhook.test`) and events past
 * their retention (the TTL deletes them within days) are left out, but the cursor moves past them, so
 * a run of them never stalls a reader.
 */
export function feedPage(records: readonly EventRecord[], now: Date): EventFeedPage {
  const epoch = Math.floor(now.getTime() / 1000);
  const listed = records.filter((r) => r.event_type !== 'webhook.test' && r.only_endpoint === undefined && r.expires_at > epoch);
  return { items: listed.map(payloadOf), next_after: records.at(-1)?.event_id ?? null };
}

export async function listEvents(orgId: string, query: EventFeedQuery, now: Date = new Date()): Promise<EventFeedPage> {
  const range = feedRange(query.after, now);
  if (!range) return { items: [], next_after: null };
  const items = await eventItemsBetween(orgId, range.from, range.to, query.limit);
  return feedPage(items.map(toEventRecord).filter((r): r is EventRecord => r !== undefined), now);
}
