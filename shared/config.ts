/**
 * Environment, read once at module load: a function with a missing setting fails at cold start,
 * not in the middle of a request.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing required environment variable ${name}`);
  return value;
}

export const config = {
  tableName: required('TABLE_NAME'),
  /** Set locally (DynamoDB Local or another endpoint); unset in AWS. */
  dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
  region: process.env.AWS_REGION || 'us-east-1',
} as const;
