/**
 * The audit trail: who read or changed a patient record, and who changed an appointment.
 *
 * One item per entry, in the entity's audit partition (`keys.audit`: `ORG#o#AUDIT#<entity>`, sort key
 * `<at>#<request>`), so an entity's trail is one Query, newest first with ScanIndexForward false.
 * Entries expire through the table's TTL after the retention (AUDIT_RETENTION_DAYS, default six
 * years — HIPAA keeps documentation six years).
 *
 * - Changes are atomic with their entry: `auditItem` is a Put the change appends, last, to its own
 *   transaction (transactions name their items, so none is read by its position).
 * - Reads record after reading (`recordReads`), one BatchWriteItem per 25 entries.
 *
 * Entries hold uuids, the token id and the request id only — never patient data.
 */
import type { TransactItem } from '../db/operations.ts';
import { listAuditRecords, putAuditEntries, putAuditEntry, type AuditRecord } from '../db/repositories/audit.ts';
import type { AuditEntry } from '../schemas/audit.ts';

/** Who acts: the token (and its label, once verified; absent for the system) and the request. */
export type Actor = { tokenId: string; requestId: string; tokenLabel?: string };
export type AuditAction = AuditEntry['action'];
export type AuditEntityType = AuditEntry['entity_type'];

/** Who acts for code that is not an API request (demo data, admin tools, tests). */
export const SYSTEM_ACTOR: Actor = { tokenId: 'system', requestId: 'system', tokenLabel: 'system' };

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

function entryOf(orgId: string, actor: Actor, action: AuditAction, entityType: AuditEntityType, entityUuid: string, now: Date): AuditRecord {
  return {
    // Milliseconds: two entries of one entity a moment apart still sort in the order they happened.
    at: now.toISOString(),
    token_id: actor.tokenId,
    org_id: orgId,
    action,
    entity_type: entityType,
    entity_uuid: entityUuid,
    request_id: actor.requestId,
    expires_at: Math.floor(now.getTime() / 1000) + AUDIT_RETENTION_DAYS * 86_400,
  };
}

/** The audit entry of a change, as a Put to append (last) to the change's own transaction. */
export function auditItem(orgId: string, actor: Actor, action: AuditAction, entityType: AuditEntityType, entityUuid: string, now: Date = new Date()): TransactItem {
  return putAuditEntry(entryOf(orgId, actor, action, entityType, entityUuid, now));
}

/** One read entry per entity (duplicates once), BatchWriteItem in chunks of 25, retrying what is left unprocessed. */
export async function recordReads(orgId: string, actor: Actor, action: 'patient.read', entityUuids: readonly string[], now: Date = new Date()): Promise<void> {
  await putAuditEntries([...new Set(entityUuids)].map((uuid) => entryOf(orgId, actor, action, 'patient', uuid, now)));
}

export type AuditListQuery = { entity_uuid: string; page: number; page_size: number };
export type AuditPageResult = { items: AuditEntry[]; page: number; page_size: number; total: number };

function toEntry(record: AuditRecord): AuditEntry {
  return {
    at: record.at,
    token_id: record.token_id,
    org_id: record.org_id,
    action: record.action as AuditEntry['action'],
    entity_type: record.entity_type as AuditEntry['entity_type'],
    entity_uuid: record.entity_uuid,
    request_id: record.request_id,
  };
}

/**
 * One entity's entries, newest first: one Query on its audit partition (every page, for `total`).
 * Entries past their retention are left out even before TTL deletes them (which can take days).
 */
export async function listAudit(orgId: string, query: AuditListQuery, now: Date = new Date()): Promise<AuditPageResult> {
  const epoch = Math.floor(now.getTime() / 1000);
  const found = await listAuditRecords(orgId, query.entity_uuid);
  const items = found.filter((record) => record.expires_at === undefined || record.expires_at > epoch);
  const slice = items.slice((query.page - 1) * query.page_size, query.page * query.page_size);
  return { items: slice.map(toEntry), page: query.page, page_size: query.page_size, total: items.length };
}

/**
 * One read entry of an entity other than a patient (an appointment whose clinical notes were read),
 * written (one BatchWriteItem, as the read routes' audit grant allows) before the answer is sent.
 */
export async function recordRead(orgId: string, actor: Actor, action: 'appointment-note.read', entityType: AuditEntityType, entityUuid: string, now: Date = new Date()): Promise<void> {
  await putAuditEntries([entryOf(orgId, actor, action, entityType, entityUuid, now)]);
}
