/**
 * The audit trail: who read or changed a patient record, and who changed an appointment.
 *
 * One item per entry, in the entity's audit partition (`keys.audit`: `ORG#o#AUDIT#<entity>`, sort key
 * `<at>#<request>`), so an entity's trail is one Query, newest first with ScanIndexForward false.
 * Entries expire through the table's TTL after the retention (AUDIT_RETENTION_DAYS, default six
 * years — HIPAA keeps documentation six years).
 *
 * - Changes are atomic with their entry: `auditItem` is a Put the change appends, last, to its own
 *   transaction (the earlier indexes keep their meaning: idempotency record, version condition).
 * - Reads record after reading (`recordReads`), one BatchWriteItem per 25 entries.
 *
 * Entries hold uuids, the token id and the request id only — never patient data.
 */
import { BatchWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../db/client.ts';
import { keys } from '../db/keys.ts';
import { queryAll, type Item } from '../db/operations.ts';
import { TTL_ATTRIBUTE } from '../db/table-definition.ts';
import type { AuditEntry } from '../schemas/audit.ts';

export type Actor = { tokenId: string; requestId: string };
export type AuditAction = AuditEntry['action'];
export type AuditEntityType = AuditEntry['entity_type'];

/** Who acts for code that is not an API request (demo data, admin tools, tests). */
export const SYSTEM_ACTOR: Actor = { tokenId: 'system', requestId: 'system' };

const DEFAULT_RETENTION_DAYS = 2190;

function retentionFromEnv(): number {
  const raw = process.env.AUDIT_RETENTION_DAYS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_RETENTION_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1) throw new Error(`AUDIT_RETENTION_DAYS must be a positive whole number of days, not ${raw}`);
  return days;
}

/** Read once, when the module loads (one value per function instance). */
export const AUDIT_RETENTION_DAYS = retentionFromEnv();

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

function entryItem(orgId: string, actor: Actor, action: AuditAction, entityType: AuditEntityType, entityUuid: string, now: Date): Item {
  // Milliseconds: two entries of one entity a moment apart still sort in the order they happened.
  const at = now.toISOString();
  return {
    ...keys.audit(orgId, entityUuid, at, actor.requestId),
    entity: 'audit',
    at,
    token_id: actor.tokenId,
    org_id: orgId,
    action,
    entity_type: entityType,
    entity_uuid: entityUuid,
    request_id: actor.requestId,
    [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + AUDIT_RETENTION_DAYS * 86_400,
  };
}

/** The audit entry of a change, as a Put to append (last) to the change's own transaction. */
export function auditItem(orgId: string, actor: Actor, action: AuditAction, entityType: AuditEntityType, entityUuid: string, now: Date = new Date()): TransactItem {
  return { Put: { TableName: tableName, Item: entryItem(orgId, actor, action, entityType, entityUuid, now) } };
}

const BATCH = 25;
const MAX_ATTEMPTS = 8;

/** One read entry per entity (duplicates once), BatchWriteItem in chunks of 25, retrying what is left unprocessed. */
export async function recordReads(orgId: string, actor: Actor, action: 'patient.read', entityUuids: readonly string[], now: Date = new Date()): Promise<void> {
  const requests = [...new Set(entityUuids)].map((uuid) => ({ PutRequest: { Item: entryItem(orgId, actor, action, 'patient', uuid, now) } }));
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

export type AuditListQuery = { entity_uuid: string; page: number; page_size: number };
export type AuditPageResult = { items: AuditEntry[]; page: number; page_size: number; total: number };

function toEntry(item: Item): AuditEntry {
  return {
    at: item.at as string,
    token_id: item.token_id as string,
    org_id: item.org_id as string,
    action: item.action as AuditEntry['action'],
    entity_type: item.entity_type as AuditEntry['entity_type'],
    entity_uuid: item.entity_uuid as string,
    request_id: item.request_id as string,
  };
}

/**
 * One entity's entries, newest first: one Query on its audit partition (every page, for `total`).
 * Entries past their retention are left out even before TTL deletes them (which can take days).
 */
export async function listAudit(orgId: string, query: AuditListQuery, now: Date = new Date()): Promise<AuditPageResult> {
  const epoch = Math.floor(now.getTime() / 1000);
  const found = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.auditOf(orgId, query.entity_uuid).pk },
    ScanIndexForward: false,
  });
  const items = found.filter((item) => typeof item[TTL_ATTRIBUTE] !== 'number' || (item[TTL_ATTRIBUTE] as number) > epoch);
  const slice = items.slice((query.page - 1) * query.page_size, query.page * query.page_size);
  return { items: slice.map(toEntry), page: query.page, page_size: query.page_size, total: items.length };
}
