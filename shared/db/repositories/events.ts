/**
 * The outbox: one item per event in the organisation's event partition (`keys.event`:
 * `ORG#o#EVENTS`, sort key the event id — `evt_` + a ULID, so by the time it was made), written in
 * the transaction of the change it reports and expiring through the table's TTL.
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { queryPage, type Item, type TransactItem } from '../operations.ts';

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
