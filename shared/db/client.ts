/** The one DynamoDB document client of a process, created at module load and reused across invocations. */
import { config } from '../config.ts';
import { createDocumentClient } from './client-factory.ts';
import { installRequestGate } from './request-gate.ts';

export const db = createDocumentClient(config.dynamodbEndpoint, config.region);
installRequestGate(db);
export const tableName = config.tableName;
