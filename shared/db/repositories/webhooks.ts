/**
 * Webhook endpoints (`WEBHOOK#<uuid>` in the org partition, stored as WebhookEndpointRecord), the
 * count of an organisation's endpoints (`webhook_count` on the org item), the delivery log (one
 * item per attempt, written by the dispatcher) and the retry request of a delivery.
 *
 * The dispatcher (shared/webhooks/) also changes endpoint items (`active`, `disabled_reason`,
 * `disabled_at`, `failing_since`): every write here that keeps an endpoint is conditioned on the
 * `version` it was read with, and writes the next one, so neither side loses the other's change.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { conditionFailureItem, queryAll, type Item, type TransactItem } from '../operations.ts';
import { ref, type Ref } from '../refs.ts';
import { TTL_ATTRIBUTE } from '../table-definition.ts';
import type { AttemptRecord, DeliveryRecord, WebhookEndpointRecord } from '../records/webhooks.ts';

/** An endpoint item as read back, or undefined if the item is not one (absent, or another entity). */
export function toEndpointRecord(item: Item | undefined): WebhookEndpointRecord | undefined {
  if (!item || item.entity !== 'webhook-endpoint' || typeof item.uuid !== 'string') return undefined;
  return item as unknown as WebhookEndpointRecord;
}

export const endpointRef = (orgId: string, endpointId: string): Ref<WebhookEndpointRecord> => ref(keys.webhookEndpoint(orgId, endpointId), (item) => toEndpointRecord(item)!);

/** The attribute of the org item that counts its endpoints. */
const COUNT = 'webhook_count';

/** Every endpoint of the org: one consistent Query (never more than `bound` items are read). */
export async function listEndpointRecords(orgId: string, bound: number): Promise<WebhookEndpointRecord[]> {
  const { pk, skPrefix } = keys.webhookEndpoints(orgId);
  const items = await queryAll(
    { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix }, ConsistentRead: true, Limit: bound },
    bound,
  );
  return items.slice(0, bound).flatMap((item) => toEndpointRecord(item) ?? []);
}

/** The Put of a new endpoint, unless one with its key exists. */
export function putNewEndpoint(record: WebhookEndpointRecord): TransactItem {
  return { Put: { TableName: tableName, Item: record, ConditionExpression: 'attribute_not_exists(pk)' } };
}

/**
 * Puts an endpoint's next version, on condition that it is still at the version it was read with
 * (and so still exists); false when it is not.
 */
export async function replaceEndpoint(next: WebhookEndpointRecord, readVersion: number): Promise<boolean> {
  try {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: next,
        ConditionExpression: 'attribute_exists(pk) AND #version = :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': readVersion },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** The Delete of an endpoint that exists (the failed condition hands back nothing: it was not there). */
export function deleteEndpointItem(orgId: string, endpointId: string): TransactItem {
  return { Delete: { TableName: tableName, Key: keys.webhookEndpoint(orgId, endpointId), ConditionExpression: 'attribute_exists(pk)' } };
}

/**
 * The count of the org's endpoints, one more, on condition that it is below `max` (and that the
 * organisation exists): two creates racing for the last place cannot both have it.
 */
export function countOneMoreEndpoint(orgId: string, max: number): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: keys.org(orgId),
      UpdateExpression: 'SET #count = if_not_exists(#count, :zero) + :one',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#count) OR #count < :max)',
      ExpressionAttributeNames: { '#count': COUNT },
      ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': max },
    },
  };
}

/** The count of the org's endpoints, one less (in the transaction that deletes one). */
export function countOneLessEndpoint(orgId: string): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: keys.org(orgId),
      UpdateExpression: 'SET #count = #count - :one',
      ConditionExpression: '#count > :zero',
      ExpressionAttributeNames: { '#count': COUNT },
      ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
    },
  };
}

/**
 * A check that the endpoint exists and is active, handing back the item when it fails (ALL_OLD):
 * none — there is no such endpoint; one — it is inactive.
 */
export function endpointActiveCheck(orgId: string, endpointId: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: keys.webhookEndpoint(orgId, endpointId),
      ConditionExpression: 'attribute_exists(pk) AND active = :true',
      ExpressionAttributeValues: { ':true': true },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Up to `limit` attempts of an endpoint's log, newest first: one Query (following pages until it has them). */
export async function latestAttempts(orgId: string, endpointId: string, limit: number): Promise<AttemptRecord[]> {
  const items = await queryAll(
    { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.webhookAttempts(orgId, endpointId).pk }, ScanIndexForward: false, Limit: limit },
    limit,
  );
  return items.slice(0, limit) as unknown as AttemptRecord[];
}

/** Whether an attempt is past its retention (the TTL deletes it some time later). */
export const attemptExpired = (attempt: AttemptRecord, nowEpoch: number) => typeof attempt[TTL_ATTRIBUTE] === 'number' && attempt[TTL_ATTRIBUTE] <= nowEpoch;

export type RetryRequestOutcome = { requested: true } | { requested: false; current: DeliveryRecord | undefined };

/**
 * Asks for a delivery to be attempted again: its `state` becomes `requested` (the dispatcher reacts
 * to that through the table's stream), on condition that it exists and is not `requested` already.
 * When the condition fails, the delivery as it was (none: there is no such delivery).
 */
export async function requestDeliveryRetry(orgId: string, deliveryId: string, now: string): Promise<RetryRequestOutcome> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.webhookDelivery(orgId, deliveryId),
        UpdateExpression: 'SET #state = :requested, updated_at = :now',
        ConditionExpression: 'attribute_exists(pk) AND #state <> :requested',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':requested': 'requested', ':now': now },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { requested: true };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const item = conditionFailureItem((error as { Item?: unknown }).Item);
    return { requested: false, current: item as DeliveryRecord | undefined };
  }
}
