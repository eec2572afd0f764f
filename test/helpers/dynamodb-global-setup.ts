/**
 * One DynamoDB Local for the integration run: started before the first test file, stopped after the
 * last (and by its watchdog if this process dies first). Test files share the table and stay apart
 * by creating their own organisation.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { ensureTable } from '../../infra/local/create-table.ts';
import { createClient } from '../../shared/db/client-factory.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    tableName: string;
  }
}

export default async function setup(project: TestProject) {
  const dynamo = await startDynamoDbLocal();
  const tableName = 'dental-booking-test';
  await ensureTable(createClient(dynamo.endpoint, 'local'), tableName);
  project.provide('dynamodbEndpoint', dynamo.endpoint);
  project.provide('tableName', tableName);
  return () => dynamo.stop();
}
