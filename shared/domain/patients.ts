/**
 * Patients: create, read, change (archive, restore), and search by name, phone, email and birth date.
 *
 * Access patterns
 * - read one: GetItem on the patient item.
 * - search: each criterion is one Query of the `patients-by-name` index under the org's partition (and
 *   the archived partition with `include_archived`): a name word is `begins_with(token prefix)`, a
 *   phone, email or date of birth an exact hash. The Queries run together; their patients are
 *   intersected, the other query words narrow them in memory, and only the requested page is read
 *   back (one BatchGetItem, with its audit entries).
 *
 * Possible duplicates: a patient claims one marker item per (date of birth + name / phone / email)
 * with a conditional put in the transaction that creates it, so of two identical creates racing
 * each other only one can commit; the other's cancellation names the holder (409). See
 * `markersOf` (patient-search.ts) and README "Patients".
 */
import { randomUUID } from 'node:crypto';
import { keyOfPut, namedTransaction, type Cancellation, type TransactItem } from '../db/operations.ts';
import { readList } from '../db/refs.ts';
import {
  changePatient,
  claimMarker,
  lookupMatches,
  markerHolder,
  nameTokensStartingWith,
  patientRef,
  putNewPatient,
  readPatient,
  releaseMarker,
  type PatientNameRecord,
  type PatientRecord,
  type SearchItems,
} from '../db/repositories/patients.ts';
import { providerExists } from '../db/repositories/providers.ts';
import { whenVerified } from '../db/request-gate.ts';
import { again, withRetries } from '../db/retry.ts';
import { nowIso } from '../db/timestamps.ts';
import { ApiError, notFound, possibleDuplicate, unprocessable, type FieldError } from '../errors.ts';
import type { CreatePatientInput, Patient, UpdatePatientInput } from '../schemas/patients.ts';
import { indexWord, matchesAllWords, nameTokens, queryWords, sortName } from './name-search.ts';
import { dobLookup, emailLookup, lookupsOf, markersOf, phoneLookup, type Lookup, type Marker, type MarkerKind } from './patient-search.ts';
import { recall, rememberAnswer, rememberProblem, type IdempotencyRequest } from './idempotency.ts';
import { auditItem, recordReads, SYSTEM_ACTOR, type Actor } from './audit.ts';
import { eventItem } from './events.ts';

/** A search whose criterion matches more index items than this must be narrowed. */
export const MAX_SEARCH_CANDIDATES = 5_000;

/** Attempts of read–check–write of a change when another change got in between (without If-Match). */
const CHANGE_ATTEMPTS = 3;

export function toPatient(record: PatientRecord): Patient {
  return {
    uuid: record.uuid,
    first_name: record.first_name,
    last_name: record.last_name,
    date_of_birth: record.date_of_birth,
    primary_phone: record.primary_phone,
    email: record.email,
    preferred_provider_uuid: record.preferred_provider_uuid,
    is_active: record.archived_at === null,
    archived_at: record.archived_at,
  };
}

/** A strong ETag of a patient version (changes with every write). */
export const patientEtag = (record: PatientRecord) => `"${record.version ?? 1}"`;

/** Pure: the search items of a patient as it is. */
export function searchOf(p: PatientRecord): SearchItems {
  return { tokens: nameTokens(p.first_name, p.last_name), sortName: sortName(p.first_name, p.last_name), lookups: lookupsOf(p), archived: p.archived_at !== null };
}

const markerName = (kind: MarkerKind) => `marker-${kind}` as const;
type MarkerName = ReturnType<typeof markerName>;
const MARKER_NAMES: readonly MarkerName[] = ['marker-name', 'marker-phone', 'marker-email'];

/** The first possible duplicate a cancellation names (name, then phone, then email), if any. */
function duplicateOf(cancelled: Cancellation<string>): ApiError | undefined {
  for (const name of MARKER_NAMES) {
    const failure = cancelled.failures.find((f) => f.name === name);
    const holder = failure && markerHolder(failure.item);
    if (failure && holder) return possibleDuplicate(holder, name.slice('marker-'.length) as MarkerKind);
  }
  return undefined;
}

const claims = (orgId: string, patientId: string, markers: readonly Marker[]) =>
  markers.map((m) => [markerName(m.kind), claimMarker(orgId, m.hash, patientId, m.kind)] as const);

const unknownProvider = () =>
  unprocessable('The preferred provider does not exist in this organisation.', [{ path: 'body.preferred_provider_uuid', message: 'no provider with this uuid' }]);

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
  const at = new Date();
  const now = nowIso(at);
  const fields: PatientRecord = {
    uuid: patientId,
    version: 1,
    first_name: input.first_name,
    last_name: input.last_name,
    date_of_birth: input.date_of_birth,
    primary_phone: input.primary_phone ?? null,
    email: input.email ?? null,
    preferred_provider_uuid: input.preferred_provider_uuid ?? null,
    archived_at: null,
    duplicate_markers: [],
  };
  // With allow_duplicate the patient claims no marker: the record found first stays the one named.
  const markers = input.allow_duplicate === true ? [] : markersOf(fields);
  const record = { ...fields, duplicate_markers: markers.map((m) => m.hash) };
  const patient = toPatient(record);
  const items = putNewPatient(orgId, record, searchOf(record), now);
  const tx = namedTransaction([
    ...(idempotency ? [['idempotency', rememberAnswer(orgId, idempotency, patient)] as const] : []),
    ...(input.preferred_provider_uuid ? [['provider', providerExists(orgId, input.preferred_provider_uuid)] as const] : []),
    ['patient', items.patient] as const,
    ...items.search.map((t) => ['search', t] as const),
    ...claims(orgId, patientId, markers),
    ['audit', auditItem(orgId, actor, 'patient.create', 'patient', patientId, at)] as const,
    // Its event names the patient's uuid and nothing else of it (no name, birth date or contact).
    ['event', eventItem(orgId, { type: 'patient.created', data: { patient_uuid: patientId } }, at)] as const,
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
    if (cancelled.failed.has('patient')) throw new ApiError('unprocessable', 'A patient with this uuid already exists.');
    const problem = cancelled.failed.has('provider') ? unknownProvider() : duplicateOf(cancelled);
    if (problem) {
      await rememberProblem(orgId, idempotency, problem);
      throw problem;
    }
    throw error;
  }
  return patient;
}

/** One patient and its ETag; the read is recorded in the audit trail (internal callers read as the system). */
export async function getPatient(orgId: string, patientId: string, actor: Actor = SYSTEM_ACTOR): Promise<{ patient: Patient; etag: string }> {
  const record = await readPatient(orgId, patientId);
  if (!record) throw notFound(`No patient ${patientId} in this organisation.`);
  await recordReads(orgId, actor, 'patient.read', [patientId]);
  return { patient: toPatient(record), etag: patientEtag(record) };
}

/** `If-Match`: `*`, or a list of ETags one of which must be the current one. */
function assertIfMatch(record: PatientRecord, ifMatch: string | undefined) {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const current = patientEtag(record);
  const offered = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!offered.includes(current)) throw new ApiError('precondition-failed', `The patient changed since that version (its ETag is now ${current}); read it again.`);
}

const IDENTITY_FIELDS = ['first_name', 'last_name', 'date_of_birth', 'primary_phone', 'email'] as const;

/** Pure: the patient after a change, and what the change must do to its search items and markers. */
export function planPatientChange(record: PatientRecord, changes: UpdatePatientInput, now: string) {
  const pick = <K extends keyof PatientRecord>(field: K, value: PatientRecord[K] | undefined) => (value === undefined ? record[field] : value);
  const archivedAt = changes.is_active === undefined ? record.archived_at : changes.is_active ? null : (record.archived_at ?? now);
  const fields: PatientRecord = {
    ...record,
    version: (record.version ?? 1) + 1,
    first_name: pick('first_name', changes.first_name),
    last_name: pick('last_name', changes.last_name),
    date_of_birth: pick('date_of_birth', changes.date_of_birth),
    primary_phone: pick('primary_phone', changes.primary_phone),
    email: pick('email', changes.email),
    preferred_provider_uuid: pick('preferred_provider_uuid', changes.preferred_provider_uuid),
    archived_at: archivedAt,
  };
  const identityChanged = IDENTITY_FIELDS.some((f) => fields[f] !== record[f]);
  // Markers follow the identity: those no longer true are released, new ones claimed (none with
  // allow_duplicate); archiving keeps them, so a returning patient is found again, not re-created.
  const wanted = identityChanged ? markersOf(fields) : [];
  const held = new Set(record.duplicate_markers);
  const release = identityChanged ? record.duplicate_markers.filter((h) => !wanted.some((m) => m.hash === h)) : [];
  const claim = changes.allow_duplicate === true ? [] : wanted.filter((m) => !held.has(m.hash));
  const next: PatientRecord = { ...fields, duplicate_markers: [...record.duplicate_markers.filter((h) => !release.includes(h)), ...claim.map((m) => m.hash)] };
  const reindex = identityChanged || archivedAt !== record.archived_at;
  return { next, release, claim, reindex };
}

/**
 * Changes a patient (any field of the create body, `is_active` to archive or restore): one
 * transaction of the patient's update (conditioned on the version read), its search items rewritten
 * when the name, phone, email, date of birth or archived state changes, its markers moved, and the
 * audit entry. With If-Match a stale version is a 412; without, a lost race is read and tried again.
 */
export async function updatePatient(
  orgId: string,
  actor: Actor,
  patientId: string,
  changes: UpdatePatientInput,
  options: { ifMatch?: string } = {},
): Promise<{ patient: Patient; etag: string }> {
  const busy = () => new ApiError('unavailable', 'The patient is being changed by several clients at once; retry shortly.');
  return withRetries({ attempts: CHANGE_ATTEMPTS, exhausted: busy }, async () => {
    const record = await readPatient(orgId, patientId, { consistent: true });
    if (!record) throw notFound(`No patient ${patientId} in this organisation.`);
    assertIfMatch(record, options.ifMatch);
    const now = new Date();
    const { next, release, claim, reindex } = planPatientChange(record, changes, nowIso(now));
    const change = changePatient(orgId, record, next, reindex ? { before: searchOf(record), after: searchOf(next) } : undefined, nowIso(now));
    const audit = auditItem(orgId, actor, 'patient.update', 'patient', patientId, now);
    const provider = changes.preferred_provider_uuid ? [['provider', providerExists(orgId, changes.preferred_provider_uuid)] as const] : [];
    const tx = namedTransaction<string>([
      ['patient', change.patient],
      ...change.search.map((t) => ['search', t] as const),
      ...release.map((h) => ['release', releaseMarker(orgId, h, patientId)] as const),
      ...claims(orgId, patientId, claim),
      ...provider,
      ['audit', audit],
    ] satisfies (readonly [string, TransactItem])[]);
    try {
      await tx.commit({ witness: keyOfPut(audit) });
    } catch (error) {
      const cancelled = tx.cancellation(error);
      if (!cancelled) throw error;
      if (cancelled.failed.has('patient') || cancelled.failed.has('release')) {
        if (options.ifMatch !== undefined) throw new ApiError('precondition-failed', 'The patient changed while this change was being made; read it again.');
        return again({ pause: false });
      }
      if (cancelled.failed.has('provider')) throw unknownProvider();
      throw duplicateOf(cancelled) ?? error;
    }
    return { patient: toPatient(next), etag: patientEtag(next) };
  });
}

export type PatientSearch = {
  query?: string;
  phone?: string;
  email?: string;
  date_of_birth?: string;
  include_archived?: boolean;
  page: number;
  page_size: number;
};

const CRITERIA = ['query', 'phone', 'email', 'date_of_birth'] as const;

/**
 * One page of the patients matching every criterion given (at least one); a read of every patient
 * on the page is recorded in the audit trail. Archived patients only with include_archived.
 */
export async function searchPatients(orgId: string, search: PatientSearch, actor: Actor = SYSTEM_ACTOR) {
  if (CRITERIA.every((c) => search[c] === undefined)) {
    throw unprocessable(
      'Give at least one search criterion: query (name), phone, email or date_of_birth.',
      CRITERIA.map((c) => ({ path: `query.${c}`, message: 'at least one of query, phone, email, date_of_birth is required' })),
    );
  }
  const empty = { items: [] as Patient[], page: search.page, page_size: search.page_size, total: 0 };
  const words = search.query === undefined ? [] : queryWords(search.query);
  const word = indexWord(words);
  // Words that normalise to nothing (`!!!`) match no name.
  if (search.query !== undefined && !word) return empty;
  const partitions = search.include_archived === true ? [false, true] : [false];
  const limit = MAX_SEARCH_CANDIDATES + 1;
  type Source = { path: string; fetch: (archived: boolean) => Promise<PatientNameRecord[]> };
  const exact = (path: string, lookup: Lookup): Source => ({ path, fetch: (archived) => lookupMatches(orgId, lookup, limit, archived) });
  const { phone, email, date_of_birth } = search;
  const sources: Source[] = [
    ...(word ? [{ path: 'query.query', fetch: (archived: boolean) => nameTokensStartingWith(orgId, word, limit, archived) }] : []),
    ...(phone !== undefined ? [exact('query.phone', phoneLookup(phone))] : []),
    ...(email !== undefined ? [exact('query.email', emailLookup(email))] : []),
    ...(date_of_birth !== undefined ? [exact('query.date_of_birth', dobLookup(date_of_birth))] : []),
  ];
  // Every criterion's Query at once: one stage.
  const found = await Promise.all(sources.map(async (s) => ({ path: s.path, items: (await Promise.all(partitions.map(s.fetch))).flat() })));
  const tooBroad: FieldError[] = found.filter((f) => f.items.length > MAX_SEARCH_CANDIDATES).map((f) => ({ path: f.path, message: 'too broad' }));
  if (tooBroad.length > 0) throw unprocessable('The search matches too many patients; narrow it (more letters of the name, or another criterion).', tooBroad);
  let matches: Map<string, PatientNameRecord> | undefined;
  for (const { items } of found) {
    const these = new Map(items.map((c) => [c.patient_uuid, c] as const));
    matches = matches === undefined ? these : new Map([...matches].filter(([id]) => these.has(id)));
  }
  const candidates = [...(matches ?? new Map<string, PatientNameRecord>()).values()].filter((c) => matchesAllWords(words, c.name_tokens));
  const ordered = candidates
    .sort((a, b) => (a.sort_name < b.sort_name ? -1 : a.sort_name > b.sort_name ? 1 : a.patient_uuid < b.patient_uuid ? -1 : 1))
    .map((c) => c.patient_uuid);
  const pageIds = ordered.slice((search.page - 1) * search.page_size, search.page * search.page_size);
  // The page's records and their audit entries in one stage: the index names only existing patients
  // (its items are written and deleted with them), and an entry must exist before a record is shown.
  const [records] = await Promise.all([readList(pageIds.map((id) => patientRef(orgId, id))), recordReads(orgId, actor, 'patient.read', pageIds)]);
  const items = records.filter((p): p is PatientRecord => p !== undefined);
  return { ...empty, items: items.map(toPatient), total: ordered.length };
}
