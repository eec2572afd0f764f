/** The one DynamoDB document client of a process, created at module load and reused across invocations. */
import { config } from '../config.ts';
import { createDocumentClient } from './client-factory.ts';

export const db = createDocumentClient(config.dynamodbEndpoint, config.region);
export const tableName = config.tableName;
