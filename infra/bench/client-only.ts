/**
 * Baseline of the bench's bundle, init and cold-request figures: a function that only builds the
 * DynamoDB document client (as the route functions do, shared/db/client-factory.ts) and, when
 * invoked, makes one GetItem — the least any route does (its token lookup).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#shared/db/client-factory.ts';

export const db = createDocumentClient(process.env.DYNAMODB_ENDPOINT || undefined, process.env.AWS_REGION ?? 'us-east-1');

export const handler = async () => {
  const out = await db.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'BENCH#baseline', sk: 'BENCH#baseline' }, ConsistentRead: true }));
  return { statusCode: 200, body: String(out.Item !== undefined) };
};
