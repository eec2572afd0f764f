// Runs in each integration worker before its test file is imported: the modules under test read
// these once at load.
import { inject } from 'vitest';

process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = inject('tableName');
