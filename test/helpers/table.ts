/** Direct reads of the table, for asserting what a request did or did not write. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';

async function partition(pk: string) {
  const out = await db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }));
  return out.Items ?? [];
}

export const providerLocks = (orgId: string, providerId: string) => partition(keys.providerSlots(orgId, providerId).pk);
export const operatoryLocks = (orgId: string, operatoryId: string) => partition(keys.operatorySlots(orgId, operatoryId).pk);
export const appointmentItem = async (orgId: string, appointmentId: string) => (await partition(keys.appointment(orgId, appointmentId).pk))[0];
/** An entity's audit items as stored (with `expires_at`, which the API does not show). */
export const auditItems = (orgId: string, entityId: string) => partition(keys.auditOf(orgId, entityId).pk);
