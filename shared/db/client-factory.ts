/** How a DynamoDB client is made, locally or in AWS. No environment is read here. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function createClient(endpoint: string | undefined, region: string): DynamoDBClient {
  return new DynamoDBClient({
    region,
    ...(endpoint
      ? // DynamoDB Local accepts any credentials; fixed ones keep a developer's real keys out of it.
        { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
}

export function createDocumentClient(endpoint: string | undefined, region: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createClient(endpoint, region), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
