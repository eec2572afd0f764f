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
import { keyOfPut, namedTransaction } from '../db/operations.ts';
import { readList } from '../db/refs.ts';
import { nameTokensStartingWith, patientRef, putNewPatient, readPatient, type PatientRecord } from '../db/repositories/patients.ts';
import { providerExists } from '../db/repositories/providers.ts';
import { whenVerified } from '../db/request-gate.ts';
import { nowIso } from '../db/timestamps.ts';
import { ApiError, notFound, unprocessable } from '../errors.ts';
import type { CreatePatientInput, Patient } from '../schemas/patients.ts';
import { indexWord, matchesAllWords, nameTokens, queryWords, sortName } from './name-search.ts';
import { recall, rememberAnswer, rememberProblem, type IdempotencyRequest } from './idempotency.ts';
import { auditItem, recordReads, SYSTEM_ACTOR, type Actor } from './audit.ts';

/** A search whose first word matches more name tokens than this must be narrowed. */
export const MAX_SEARCH_CANDIDATES = 5_000;

export function toPatient(record: PatientRecord): Patient {
  return {
    uuid: record.uuid,
    first_name: record.first_name,
    last_name: record.last_name,
    date_of_birth: record.date_of_birth,
    primary_phone: record.primary_phone,
    email: record.email,
    preferred_provider_uuid: record.preferred_provider_uuid,
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
  const patient: Patient = {
    uuid: patientId,
    first_name: input.first_name,
    last_name: input.last_name,
    date_of_birth: input.date_of_birth,
    primary_phone: input.primary_phone ?? null,
    email: input.email ?? null,
    preferred_provider_uuid: input.preferred_provider_uuid ?? null,
  };
  const items = putNewPatient(orgId, patient, { tokens, sortName: sortName(input.first_name, input.last_name) }, now);
  const tx = namedTransaction([
    ...(idempotency ? [['idempotency', rememberAnswer(orgId, idempotency, patient)] as const] : []),
    ...(input.preferred_provider_uuid ? [['provider', providerExists(orgId, input.preferred_provider_uuid)] as const] : []),
    ['patient', items.patient] as const,
    ...items.names.map((t) => ['name', t] as const),
    ['audit', auditItem(orgId, actor, 'patient.create', 'patient', patientId)] as const,
  ]);
  try {
    await tx.commit({ witness: keyOfPut(items.patient) });
  } catch (error) {
    const cancelled = tx.cancellation(error);
    if (!cancelled) throw error;
    if (idempotency && cancelled.failed.has('idempotency')) {
      const first = await recall<Patient>(orgId, idempotency);
      if (first) return first;
    }
    if (cancelled.failed.has('provider')) {
      const problem = unprocessable('The preferred provider does not exist in this organisation.', [
        { path: 'body.preferred_provider_uuid', message: 'no provider with this uuid' },
      ]);
      await rememberProblem(orgId, idempotency, problem);
      throw problem;
    }
    if (cancelled.failed.has('patient')) throw new ApiError('unprocessable', 'A patient with this uuid already exists.');
    throw error;
  }
  return patient;
}

/** One patient; the read is recorded in the audit trail (internal callers read as the system). */
export async function getPatient(orgId: string, patientId: string, actor: Actor = SYSTEM_ACTOR): Promise<Patient> {
  const record = await readPatient(orgId, patientId);
  if (!record) throw notFound(`No patient ${patientId} in this organisation.`);
  await recordReads(orgId, actor, 'patient.read', [patientId]);
  return toPatient(record);
}

export type PatientSearch = { query: string; page: number; page_size: number };

/** One page of matches; a read of every patient on the page is recorded in the audit trail. */
export async function searchPatients(orgId: string, search: PatientSearch, actor: Actor = SYSTEM_ACTOR) {
  const words = queryWords(search.query);
  const word = indexWord(words);
  const empty = { items: [] as Patient[], page: search.page, page_size: search.page_size, total: 0 };
  if (!word) return empty;
  const candidates = await nameTokensStartingWith(orgId, word, MAX_SEARCH_CANDIDATES + 1);
  if (candidates.length > MAX_SEARCH_CANDIDATES) {
    throw unprocessable('The query matches too many patients; type more letters of the name.', [
      { path: 'query.query', message: 'too broad' },
    ]);
  }
  const matches = new Map<string, string>();
  for (const c of candidates) {
    if (matchesAllWords(words, c.name_tokens)) matches.set(c.patient_uuid, c.sort_name);
  }
  const ordered = [...matches.entries()]
    .sort(([idA, a], [idB, b]) => (a < b ? -1 : a > b ? 1 : idA < idB ? -1 : 1))
    .map(([id]) => id);
  const pageIds = ordered.slice((search.page - 1) * search.page_size, search.page * search.page_size);
  // The page's records and their audit entries in one stage: the index names only existing patients
  // (its items are written and deleted with them), and an entry must exist before a record is shown.
  const [found] = await Promise.all([readList(pageIds.map((id) => patientRef(orgId, id))), recordReads(orgId, actor, 'patient.read', pageIds)]);
  const items = found.filter((p): p is PatientRecord => p !== undefined);
  return { ...empty, items: items.map(toPatient), total: ordered.length };
}
