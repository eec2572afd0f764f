/**
 * Audit entries: one item per entry in the entity's audit partition (`keys.audit`:
 * `ORG#o#AUDIT#<entity>`, sort key `<at>#<request>`), expiring through the table's TTL.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { queryAll, type Item, type TransactItem } from '../operations.ts';
import { TTL_ATTRIBUTE } from '../table-definition.ts';

export type AuditRecord = {
  /** Milliseconds: two entries of one entity a moment apart still sort in the order they happened. */
  at: string;
  token_id: string;
  org_id: string;
  action: string;
  entity_type: string;
  entity_uuid: string;
  request_id: string;
  /** Epoch seconds (the TTL attribute). */
  expires_at?: number;
};

export function toAuditRecord(item: Item): AuditRecord {
  const ttl = item[TTL_ATTRIBUTE];
  return {
    at: item.at as string,
    token_id: item.token_id as string,
    org_id: item.org_id as string,
    action: item.action as string,
    entity_type: item.entity_type as string,
    entity_uuid: item.entity_uuid as string,
    request_id: item.request_id as string,
    ...(typeof ttl === 'number' ? { expires_at: ttl } : {}),
  };
}

function entryItem(entry: AuditRecord): Item {
  const { expires_at, ...rest } = entry;
  return {
    ...keys.audit(entry.org_id, entry.entity_uuid, entry.at, entry.request_id),
    entity: 'audit',
    ...rest,
    ...(expires_at !== undefined ? { [TTL_ATTRIBUTE]: expires_at } : {}),
  };
}

/** The Put of an entry, for the transaction of the change it records. */
export function putAuditEntry(entry: AuditRecord): TransactItem {
  return { Put: { TableName: tableName, Item: entryItem(entry) } };
}

const BATCH = 25;
const MAX_ATTEMPTS = 8;

/** Writes entries with BatchWriteItem in chunks of 25, retrying what is left unprocessed. */
export async function putAuditEntries(entries: readonly AuditRecord[]): Promise<void> {
  const requests = entries.map((entry) => ({ PutRequest: { Item: entryItem(entry) } }));
  for (let start = 0; start < requests.length; start += BATCH) {
    let pending = requests.slice(start, start + BATCH);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw Object.assign(new Error('BatchWriteItem kept leaving audit entries unprocessed'), { name: 'ThrottlingException' });
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] as typeof pending | undefined) ?? [];
    }
  }
}

/** One entity's entries, newest first: one Query on its audit partition (every page). */
export async function listAuditRecords(orgId: string, entityId: string): Promise<AuditRecord[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.auditOf(orgId, entityId).pk },
    ScanIndexForward: false,
  });
  return items.map(toAuditRecord);
}
