/**
 * Creates the table from the same definition the CDK stack uses (shared/db/table-definition.ts),
 * unless it exists. Used by `npm start` and by the tests against DynamoDB Local.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { INDEXES, KEY, TTL_ATTRIBUTE } from '#shared/db/table-definition.ts';

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'existed'> {
  const indexes = Object.values(INDEXES);
  const attributes = [...new Set([KEY.partition, KEY.sort, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])])];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
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
    if (error instanceof ResourceInUseException) return 'existed';
    throw error;
  }
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }),
  );
  return 'created';
}
