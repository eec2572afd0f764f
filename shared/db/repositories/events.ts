/**
 * The outbox: one item per event in the organisation's event partition (`keys.event`:
 * `ORG#o#EVENTS`, sort key the event id — `evt_` + a ULID, so by the time it was made), written in
 * the transaction of the change it reports and expiring through the table's TTL.
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { queryPage, type Item, type TransactItem } from '../operations.ts';
import type { EventType } from '../../schemas/event-types.ts';

/** How long an event (and the delivery log) is kept: the feed's and the retries' horizon. */
export const EVENT_RETENTION_DAYS = 30;

/** The stored outbox item (`entity: 'event'`; the stream filter matches on it). */
export type EventRecord = {
  pk: string;
  sk: string;
  entity: 'event';
  event_id: string;
  event_type: EventType;
  org_id: string;
  /** The payload's exact JSON text: what is signed and sent, every attempt. */
  body: string;
  only_endpoint?: string;
  expires_at: number;
};

/** An event item as read back (the feed, a stream record's new image), or undefined if it is not one. */
export function toEventRecord(item: Item | undefined): EventRecord | undefined {
  if (!item || item.entity !== 'event' || typeof item.body !== 'string' || typeof item.org_id !== 'string') return undefined;
  return item as unknown as EventRecord;
}


/** The Put of a new event item (its id is fresh: the condition only keeps a replay from overwriting it). */
export function putNewEvent(item: Item): TransactItem {
  return { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } };
}

/**
 * Up to `limit` event items of an organisation whose ids lie in [from, to] (both inclusive), oldest
 * first: one strongly consistent Query of a key range, so no more than `limit` items are read.
 */
export async function eventItemsBetween(orgId: string, from: string, to: string, limit: number): Promise<Item[]> {
  const { items } = await queryPage(
    {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.events(orgId).pk, ':from': from, ':to': to },
      ConsistentRead: true,
    },
    limit,
    undefined,
  );
  return items;
}
