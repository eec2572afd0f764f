/**
 * Patients: create, read, and search by name.
 *
 * Access patterns
 * - read one: GetItem on the patient item.
 * - search by name: one item per name token sits in the `patients-by-name` index under the org's
 *   partition, sorted by token; `begins_with(token prefix)` finds candidates, the other query words
 *   narrow them in memory, and only the requested page is read back (one BatchGetItem).
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { db, tableName } from '../db/client.ts';
import { keys } from '../db/keys.ts';
import { INDEXES } from '../db/table-definition.ts';
import { getMany, nowIso, queryAll, transactWrite, type Item } from '../db/operations.ts';
import { whenVerified } from '../db/request-gate.ts';
import { ApiError, notFound, unprocessable } from '../errors.ts';
import type { CreatePatientInput, Patient } from '../schemas/patients.ts';
import { indexWord, matchesAllWords, nameTokens, queryWords, sortName } from './name-search.ts';
import { lostRace, recall, rememberAnswer, rememberProblem, type IdempotencyRequest } from './idempotency.ts';
import { auditItem, recordReads, SYSTEM_ACTOR, type Actor } from './audit.ts';

/** A search whose first word matches more name tokens than this must be narrowed. */
export const MAX_SEARCH_CANDIDATES = 5_000;

export function toPatient(item: Item): Patient {
  return {
    uuid: item.uuid as string,
    first_name: item.first_name as string,
    last_name: item.last_name as string,
    date_of_birth: item.date_of_birth as string,
    primary_phone: (item.primary_phone as string | undefined) ?? null,
    email: (item.email as string | undefined) ?? null,
    preferred_provider_uuid: (item.preferred_provider_uuid as string | undefined) ?? null,
  };
}

export async function createPatient(
  orgId: string,
  input: CreatePatientInput,
  patientId: string = randomUUID(),
  options: { idempotency?: IdempotencyRequest; actor?: Actor } = {},
): Promise<Patient> {
  const { idempotency, actor = SYSTEM_ACTOR } = options;
  const replay = await recall<Patient>(orgId, idempotency);
  if (replay) return replay;
  // Without a key nothing was read yet: the actor's token must be verified before the items name it.
  await whenVerified();
  const now = nowIso();
  const tokens = nameTokens(input.first_name, input.last_name);
  const item = {
    ...keys.patient(orgId, patientId),
    entity: 'patient',
    uuid: patientId,
    first_name: input.first_name,
    last_name: input.last_name,
    date_of_birth: input.date_of_birth,
    primary_phone: input.primary_phone ?? undefined,
    email: input.email ?? undefined,
    preferred_provider_uuid: input.preferred_provider_uuid ?? undefined,
    created_at: now,
    updated_at: now,
  };
  const tokenItems = tokens.map((token) => ({
    ...keys.patientNameToken(orgId, patientId, token),
    [INDEXES.patientsByName.partitionKey]: keys.patientsByName.partition(orgId),
    [INDEXES.patientsByName.sortKey]: keys.patientsByName.sort(token, patientId),
    entity: 'patient-name',
    patient_uuid: patientId,
    name_tokens: tokens,
    sort_name: sortName(input.first_name, input.last_name),
  }));
  const providerCheck = input.preferred_provider_uuid
    ? [{ ConditionCheck: { TableName: tableName, Key: keys.provider(orgId, input.preferred_provider_uuid), ConditionExpression: 'attribute_exists(pk)' } }]
    : [];
  const patient = toPatient(item);
  // Transaction order: [idempotency record], [provider check], patient, name tokens, audit entry.
  const record = idempotency ? [rememberAnswer(orgId, idempotency, patient)] : [];
  try {
    await transactWrite([
      ...record,
      ...providerCheck,
      { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...tokenItems.map((t) => ({ Put: { TableName: tableName, Item: t } })),
      auditItem(orgId, actor, 'patient.create', 'patient', patientId),
    ], { witness: keys.patient(orgId, patientId) });
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    if (idempotency && lostRace(error)) {
      const first = await recall<Patient>(orgId, idempotency);
      if (first) return first;
    }
    const failed = (index: number) => error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';
    if (providerCheck.length > 0 && failed(record.length)) {
      const problem = unprocessable('The preferred provider does not exist in this organisation.', [
        { path: 'body.preferred_provider_uuid', message: 'no provider with this uuid' },
      ]);
      await rememberProblem(orgId, idempotency, problem);
      throw problem;
    }
    if (failed(record.length + providerCheck.length)) throw new ApiError('unprocessable', 'A patient with this uuid already exists.');
    throw error;
  }
  return patient;
}

/** One patient; the read is recorded in the audit trail (internal callers read as the system). */
export async function getPatient(orgId: string, patientId: string, actor: Actor = SYSTEM_ACTOR): Promise<Patient> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: keys.patient(orgId, patientId) }));
  if (!out.Item) throw notFound(`No patient ${patientId} in this organisation.`);
  await recordReads(orgId, actor, 'patient.read', [patientId]);
  return toPatient(out.Item);
}

export type PatientSearch = { query: string; page: number; page_size: number };

/** One page of matches; a read of every patient on the page is recorded in the audit trail. */
export async function searchPatients(orgId: string, search: PatientSearch, actor: Actor = SYSTEM_ACTOR) {
  const words = queryWords(search.query);
  const word = indexWord(words);
  const empty = { items: [] as Patient[], page: search.page, page_size: search.page_size, total: 0 };
  if (!word) return empty;
  const index = INDEXES.patientsByName;
  const candidates = await queryAll(
    {
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :word)',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':pk': keys.patientsByName.partition(orgId), ':word': word },
    },
    MAX_SEARCH_CANDIDATES + 1,
  );
  if (candidates.length > MAX_SEARCH_CANDIDATES) {
    throw unprocessable('The query matches too many patients; type more letters of the name.', [
      { path: 'query.query', message: 'too broad' },
    ]);
  }
  const matches = new Map<string, string>();
  for (const c of candidates) {
    if (matchesAllWords(words, c.name_tokens as string[])) matches.set(c.patient_uuid as string, c.sort_name as string);
  }
  const ordered = [...matches.entries()]
    .sort(([idA, a], [idB, b]) => (a < b ? -1 : a > b ? 1 : idA < idB ? -1 : 1))
    .map(([id]) => id);
  const pageIds = ordered.slice((search.page - 1) * search.page_size, search.page * search.page_size);
  // The page's records and their audit entries in one stage: the index names only existing patients
  // (its items are written and deleted with them), and an entry must exist before a record is shown.
  const [lookup] = await Promise.all([getMany(pageIds.map((id) => keys.patient(orgId, id))), recordReads(orgId, actor, 'patient.read', pageIds)]);
  const items = pageIds.map((id) => lookup(keys.patient(orgId, id))).filter((i): i is Item => i !== undefined);
  return { ...empty, items: items.map(toPatient), total: ordered.length };
}
