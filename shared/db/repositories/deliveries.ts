/**
 * Webhook deliveries: one item per (event, endpoint) (`keys.webhookDelivery`, `entity: 'delivery'`)
 * with its state and attempt count, and the delivery log (`keys.webhookAttempt`, one item per
 * attempt in the endpoint's log partition). Both expire with the events (EVENT_RETENTION_DAYS).
 *
 * A delivery's id is derived from its event and endpoint, and it is created on condition that it
 * does not exist: the stream may hand the dispatcher an event twice, but it makes one delivery.
 * An attempt is recorded (log item + delivery update) in one transaction on condition that the
 * delivery's attempt count is still the one read, so two concurrent runs never count one twice.
 *
 * The dispatcher reads endpoint items itself here (fan-out, health); the admin routes keep them.
 */
import { listEndpointRecords, toEndpointRecord } from './webhooks.ts';
import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { conditionFailureItem, getMany, getOne, transactWrite, updateIf, type Item, type TransactItem } from '../operations.ts';
import { TTL_ATTRIBUTE } from '../table-definition.ts';
import { EVENT_RETENTION_DAYS, toEventRecord, type EventRecord } from './events.ts';
import type { AttemptRecord, DeliveryRecord, DeliveryState, ErrorClass, WebhookEndpointRecord } from '../records/webhooks.ts';

/** The most endpoints one organisation's event fans out to (the admin routes cap how many it may have). */
export const MAX_FAN_OUT = 100;

/** The TTL (epoch seconds) of a delivery or log item written at `now`. */
export const retentionUntil = (now: Date): number => Math.floor(now.getTime() / 1000) + EVENT_RETENTION_DAYS * 86_400;

/** The delivery of `eventId` to `endpointUuid`: a UUID-shaped hash of both, so a redelivered event finds it. */
export function deliveryIdOf(eventId: string, endpointUuid: string): string {
  const h = createHash('sha256').update(`${eventId}\u0000${endpointUuid}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80; // version 8: a name-based UUID of our own
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A new delivery of an event to an endpoint, its first attempt (being made now) due by `firstAttemptBy`. */
export function newDeliveryRecord(event: EventRecord, endpointUuid: string, now: Date, firstAttemptBy: Date): DeliveryRecord {
  const uuid = deliveryIdOf(event.event_id, endpointUuid);
  const at = now.toISOString();
  return {
    ...keys.webhookDelivery(event.org_id, uuid),
    entity: 'delivery',
    uuid,
    org_id: event.org_id,
    endpoint_uuid: endpointUuid,
    event_id: event.event_id,
    event_type: event.event_type,
    state: 'pending',
    attempts: 0,
    next_attempt_at: firstAttemptBy.toISOString(),
    last_status_code: null,
    last_error_class: null,
    created_at: at,
    updated_at: at,
    [TTL_ATTRIBUTE]: retentionUntil(now),
  } as DeliveryRecord;
}

export function toDeliveryRecord(item: Item | undefined): DeliveryRecord | undefined {
  if (!item || item.entity !== 'delivery' || typeof item.uuid !== 'string' || typeof item.org_id !== 'string') return undefined;
  return item as unknown as DeliveryRecord;
}


/** Creates a delivery unless it exists; when it does, returns the existing one (as the failed condition saw it). */
export async function createDelivery(record: DeliveryRecord): Promise<{ created: true } | { created: false; existing: DeliveryRecord | undefined }> {
  try {
    await db.send(new PutCommand({ TableName: tableName, Item: record, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
    return { created: true };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    return { created: false, existing: toDeliveryRecord(conditionFailureItem((error as { Item?: unknown }).Item)) };
  }
}

/** One delivery (strongly consistent). */
export async function readDelivery(orgId: string, deliveryId: string): Promise<DeliveryRecord | undefined> {
  return toDeliveryRecord(await getOne(keys.webhookDelivery(orgId, deliveryId)));
}

/** A delivery's event and endpoint, in one BatchGetItem (either may be gone). */
export async function readDeliveryContext(delivery: DeliveryRecord): Promise<{ event: EventRecord | undefined; endpoint: WebhookEndpointRecord | undefined }> {
  const eventKey = keys.event(delivery.org_id, delivery.event_id);
  const endpointKey = keys.webhookEndpoint(delivery.org_id, delivery.endpoint_uuid);
  const found = await getMany([eventKey, endpointKey]);
  return { event: toEventRecord(found(eventKey)), endpoint: toEndpointRecord(found(endpointKey)) };
}

/** An organisation's endpoints (active or not), for fanning an event out: one Query, at most MAX_FAN_OUT. */
export const readEndpointsOf = (orgId: string): Promise<WebhookEndpointRecord[]> => listEndpointRecords(orgId, MAX_FAN_OUT);

/** What an attempt (or a decision not to make one) changes on its delivery. */
export type DeliveryChange = {
  state: DeliveryState;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error_class: ErrorClass | null;
  updated_at: string;
};

/** The log item of one attempt. */
export function attemptRecord(delivery: DeliveryRecord, attempt: Omit<AttemptRecord, 'pk' | 'sk' | 'entity' | 'delivery_uuid' | 'endpoint_uuid' | 'event_id' | 'event_type' | 'expires_at'>, now: Date): AttemptRecord {
  return {
    ...keys.webhookAttempt(delivery.org_id, delivery.endpoint_uuid, attempt.at, delivery.uuid, attempt.attempt),
    entity: 'delivery-attempt',
    delivery_uuid: delivery.uuid,
    endpoint_uuid: delivery.endpoint_uuid,
    event_id: delivery.event_id,
    event_type: delivery.event_type,
    ...attempt,
    [TTL_ATTRIBUTE]: retentionUntil(now),
  } as AttemptRecord;
}

/**
 * Records what came of an attempt: the delivery's change and (when an attempt was made) its log
 * item, in one transaction on condition that the delivery still has the attempt count read
 * (`seenAttempts`). False when it has not: another run got there first, and nothing was written.
 */
export async function recordAttempt(delivery: DeliveryRecord, change: DeliveryChange, log: AttemptRecord | undefined): Promise<boolean> {
  const update: TransactItem = {
    Update: {
      TableName: tableName,
      Key: keys.webhookDelivery(delivery.org_id, delivery.uuid),
      UpdateExpression: 'SET #state = :state, attempts = :attempts, next_attempt_at = :next, last_status_code = :status, last_error_class = :error, updated_at = :updated',
      ConditionExpression: 'attribute_exists(pk) AND attempts = :seen',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':state': change.state,
        ':attempts': change.attempts,
        ':next': change.next_attempt_at,
        ':status': change.last_status_code,
        ':error': change.last_error_class,
        ':updated': change.updated_at,
        ':seen': delivery.attempts,
      },
    },
  };
  const items: TransactItem[] = log ? [{ Put: { TableName: tableName, Item: log, ConditionExpression: 'attribute_not_exists(pk)' } }, update] : [update];
  try {
    await transactWrite(items);
    return true;
  } catch (error) {
    if (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')) return false;
    throw error;
  }
}

/** What an attempt's outcome changes on its endpoint. */
export type EndpointHealthChange =
  /** The first failure since the last success. */
  | { kind: 'failing'; since: string }
  /** A success after failures. */
  | { kind: 'recovered' }
  /** Set inactive by the system, with the reason shown to its owner. `failingSince`: only if it still is (the three-day rule). */
  | { kind: 'disable'; reason: string; at: string; failingSince?: string };

/**
 * Applies a health change to an endpoint, on condition that it still exists (and, for a change
 * decided from what was read, that it still holds): false when the endpoint was deleted or changed
 * meanwhile, and nothing was written.
 */
export async function updateEndpointHealth(orgId: string, endpointUuid: string, change: EndpointHealthChange): Promise<boolean> {
  const key = keys.webhookEndpoint(orgId, endpointUuid);
  switch (change.kind) {
    case 'failing':
      return (
        (await updateIf(key, {
          UpdateExpression: 'SET failing_since = :since ADD version :one',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(failing_since) OR failing_since = :null)',
          ExpressionAttributeValues: { ':since': change.since, ':null': null, ':one': 1 },
        })) !== undefined
      );
    case 'recovered':
      return (
        (await updateIf(key, {
          UpdateExpression: 'SET failing_since = :null ADD version :one',
          ConditionExpression: 'attribute_exists(pk) AND attribute_exists(failing_since) AND failing_since <> :null',
          ExpressionAttributeValues: { ':null': null, ':one': 1 },
        })) !== undefined
      );
    case 'disable':
      return (
        (await updateIf(key, {
          UpdateExpression: 'SET active = :false, disabled_reason = :reason, disabled_at = :at, updated_at = :at ADD version :one',
          ConditionExpression: `attribute_exists(pk) AND active = :true${change.failingSince ? ' AND failing_since = :since' : ''}`,
          ExpressionAttributeValues: { ':false': false, ':true': true, ':reason': change.reason, ':at': change.at, ':one': 1, ...(change.failingSince ? { ':since': change.failingSince } : {}) },
        })) !== undefined
      );
  }
}

/**
 * Deliveries still waiting for an attempt (pending or requested), for the local scheduler to arm
 * again at start. A Scan: local mode only (DynamoDB Local, a developer's table), never in AWS, where
 * the schedules outlive the functions. At most `limit` deliveries, and at most `maxPages` pages read.
 */
export async function scanWaitingDeliveries(limit: number, maxPages = 200): Promise<DeliveryRecord[]> {
  const found: DeliveryRecord[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  for (let page = 0; page < maxPages && found.length < limit; page++) {
    const out = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'entity = :delivery AND (#state = :pending OR #state = :requested)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':delivery': 'delivery', ':pending': 'pending', ':requested': 'requested' },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of out.Items ?? []) {
      const record = toDeliveryRecord(item);
      if (record && found.length < limit) found.push(record);
    }
    ExclusiveStartKey = out.LastEvaluatedKey;
    if (!ExclusiveStartKey) break;
  }
  return found;
}
