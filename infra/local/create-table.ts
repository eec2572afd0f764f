/**
 * Creates the table from the same definition the CDK stack uses (shared/db/table-definition.ts),
 * unless it exists. Used by `npm start` and by the tests against DynamoDB Local. The table has the
 * stack's stream (the webhook dispatcher reads it under `npm start`); a table made before it had
 * one gets it.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { INDEXES, KEY, STREAM_VIEW_TYPE, TTL_ATTRIBUTE } from '#shared/db/table-definition.ts';

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'existed'> {
  const indexes = Object.values(INDEXES);
  const attributes = [...new Set([KEY.partition, KEY.sort, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])])];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: STREAM_VIEW_TYPE },
        AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: KEY.partition, KeyType: 'HASH' },
          { AttributeName: KEY.sort, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: indexes.map((i) => ({
          IndexName: i.name,
          KeySchema: [
            { AttributeName: i.partitionKey, KeyType: 'HASH' },
            { AttributeName: i.sortKey, KeyType: 'RANGE' },
          ],
          Projection:
            i.projection.type === 'INCLUDE'
              ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...i.projection.attributes] }
              : { ProjectionType: i.projection.type },
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await ensureStream(client, tableName);
    return 'existed';
  }
  await waitActive(client, tableName);
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }),
  );
  return 'created';
}

/** A table made before it had a stream (local data kept across versions) gets the stack's. */
async function ensureStream(client: DynamoDBClient, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const stream = Table?.StreamSpecification;
  if (stream?.StreamEnabled && stream.StreamViewType === STREAM_VIEW_TYPE) return;
  if (stream?.StreamEnabled) {
    // Another view type: DynamoDB changes it by disabling and enabling again.
    await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }));
    await waitActive(client, tableName);
  }
  await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: STREAM_VIEW_TYPE } }));
  await waitActive(client, tableName);
}

async function waitActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
