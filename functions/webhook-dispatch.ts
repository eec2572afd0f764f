/**
 * Not a route: the webhook dispatcher in AWS, invoked by the table's stream through a Lambda event
 * source whose filters (shared/webhooks/stream-filter.ts) let only event items and requested
 * deliveries through. Unmarshalls their new images and hands them to the dispatcher; a failure
 * throws, so the event source retries the batch (split in halves) and finally sends its metadata
 * (never item data) to the dead-letter queue.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { dispatchItems } from '#shared/webhooks/dispatcher.ts';
import { eventBridgeScheduler, schedulerTargetFromEnv } from '#shared/webhooks/eventbridge-scheduler.ts';
import { isDispatchRecord } from '#shared/webhooks/stream-filter.ts';

const scheduler = eventBridgeScheduler(schedulerTargetFromEnv());

export const handler = async (event: DynamoDBStreamEvent): Promise<void> => {
  // The event source has filtered already; checked again so a mis-set filter cannot feed it other items.
  const items = event.Records.filter(isDispatchRecord).map((record) => unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>));
  if (items.length === 0) return;
  await dispatchItems(items, { now: () => new Date(), scheduler, allowLocalHttp: false });
};
