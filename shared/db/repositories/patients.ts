/**
 * Patients: the patient item (`ORG#o#PATIENT#p` / `PATIENT`), and its search items in its partition,
 * indexed by `patients-by-name`: one per normalised name token (sorted by token: `begins_with(token
 * prefix)` finds candidates) and one per lookup (date of birth, phone, email: an exact hash). An
 * active patient's search items sit in the org's names partition of the index, an archived one's in
 * the org's archived partition, so a search reads the archived only when asked.
 *
 * Possible-duplicate markers (`keys.patientDuplicate`) name the patient that claims them; the patient
 * item lists the markers it holds (`duplicate_markers`), so a change releases exactly those.
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { getOne, queryAll, queryPage, type Item, type Key, type TransactItem } from '../operations.ts';
import { ref, type Ref } from '../refs.ts';
import { INDEXES } from '../table-definition.ts';
import { updateExpression } from '../update-expression.ts';

export type PatientRecord = {
  uuid: string;
  /** Absent on items written before versions existed (they count as version 1). */
  version?: number;
  first_name: string;
  last_name: string;
  date_of_birth: string;
  primary_phone: string | null;
  email: string | null;
  preferred_provider_uuid: string | null;
  /** When it was archived; null while active. */
  archived_at: string | null;
  /** Hashes of the possible-duplicate markers it holds (none on items from before markers). */
  duplicate_markers: string[];
};

/** What an index item of a patient holds: enough to narrow and order a search without reading the patients. */
export type PatientNameRecord = { patient_uuid: string; name_tokens: string[]; sort_name: string };

/** A patient's search items, as the domain computes them. */
export type SearchItems = { tokens: string[]; sortName: string; lookups: readonly { kind: string; hash: string }[]; archived: boolean };

export function toPatientRecord(item: Item): PatientRecord {
  return {
    uuid: item.uuid as string,
    ...(typeof item.version === 'number' ? { version: item.version } : {}),
    first_name: item.first_name as string,
    last_name: item.last_name as string,
    date_of_birth: item.date_of_birth as string,
    primary_phone: (item.primary_phone as string | undefined) ?? null,
    email: (item.email as string | undefined) ?? null,
    preferred_provider_uuid: (item.preferred_provider_uuid as string | undefined) ?? null,
    archived_at: (item.archived_at as string | undefined) ?? null,
    duplicate_markers: (item.duplicate_markers as string[] | undefined) ?? [],
  };
}

const toNameRecord = (item: Item): PatientNameRecord => ({
  patient_uuid: item.patient_uuid as string,
  name_tokens: item.name_tokens as string[],
  sort_name: item.sort_name as string,
});

export const patientRef = (orgId: string, patientId: string): Ref<PatientRecord> => ref(keys.patient(orgId, patientId), toPatientRecord);

/** One patient (eventually consistent unless asked: a change reads it consistently, and conditions on its version anyway). */
export async function readPatient(orgId: string, patientId: string, options: { consistent?: boolean } = {}): Promise<PatientRecord | undefined> {
  const item = await getOne(keys.patient(orgId, patientId), { consistent: options.consistent === true });
  return item && toPatientRecord(item);
}

/** Whether the patient exists (a GetItem of its key alone). */
export async function patientExists(orgId: string, patientId: string): Promise<boolean> {
  return (await getOne(keys.patient(orgId, patientId), { consistent: false, projection: 'pk' })) !== undefined;
}

/** A booking's check, inside its transaction: the patient exists and is not archived. */
export function patientBookable(orgId: string, patientId: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: keys.patient(orgId, patientId),
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(archived_at)',
    },
  };
}

/** The search items of a patient, name tokens then lookups: each one's key and whole item. */
function searchItems(orgId: string, patientId: string, search: SearchItems) {
  const gsiPk = keys.patientsByLookup.partition(orgId, search.archived);
  const shared = { patient_uuid: patientId, name_tokens: search.tokens, sort_name: search.sortName };
  const names = search.tokens.map((token) => ({
    key: keys.patientNameToken(orgId, patientId, token),
    item: { [INDEXES.patientsByName.partitionKey]: gsiPk, [INDEXES.patientsByName.sortKey]: keys.patientsByName.sort(token, patientId), entity: 'patient-name', ...shared },
  }));
  const lookups = search.lookups.map((l) => ({
    key: keys.patientLookup(orgId, patientId, l.kind, l.hash),
    item: { [INDEXES.patientsByName.partitionKey]: gsiPk, [INDEXES.patientsByName.sortKey]: keys.patientsByLookup.sort(l.kind, l.hash, patientId), entity: 'patient-lookup', ...shared },
  }));
  return { names, lookups };
}

/** The search items of a patient (Puts, overwriting any item of the same key). */
function searchItemPuts(orgId: string, patientId: string, search: SearchItems): { key: Key; put: TransactItem }[] {
  const { names, lookups } = searchItems(orgId, patientId, search);
  return [...names, ...lookups].map(({ key, item }) => ({ key, put: { Put: { TableName: tableName, Item: { ...key, ...item } } } }));
}

/** The keys of a patient's search items (to delete those a change no longer has). */
function searchItemKeys(orgId: string, patientId: string, search: Pick<SearchItems, 'tokens' | 'lookups'>): Key[] {
  return [...search.tokens.map((t) => keys.patientNameToken(orgId, patientId, t)), ...search.lookups.map((l) => keys.patientLookup(orgId, patientId, l.kind, l.hash))];
}

const sameKey = (a: Key, b: Key) => a.pk === b.pk && a.sk === b.sk;

/** Claims a possible-duplicate marker for the patient; a failed condition hands back the holder (ALL_OLD). */
export function claimMarker(orgId: string, hash: string, patientId: string, kind: string): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: { ...keys.patientDuplicate(orgId, hash), entity: 'patient-duplicate-marker', kind, patient_uuid: patientId },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Releases a marker the patient holds (and only if it still names the patient). */
export function releaseMarker(orgId: string, hash: string, patientId: string): TransactItem {
  return {
    Delete: {
      TableName: tableName,
      Key: keys.patientDuplicate(orgId, hash),
      ConditionExpression: 'patient_uuid = :me',
      ExpressionAttributeValues: { ':me': patientId },
    },
  };
}

/** Who holds a marker, from a failed claim's cancellation item. */
export const markerHolder = (item: Item | undefined): string | undefined => (typeof item?.patient_uuid === 'string' ? item.patient_uuid : undefined);

/** The Puts of a new patient: the patient (unless its uuid exists) and its search items. */
export function putNewPatient(orgId: string, patient: PatientRecord, search: SearchItems, at: string): { patient: TransactItem; search: TransactItem[] } {
  const item = {
    ...keys.patient(orgId, patient.uuid),
    entity: 'patient',
    uuid: patient.uuid,
    version: patient.version ?? 1,
    first_name: patient.first_name,
    last_name: patient.last_name,
    date_of_birth: patient.date_of_birth,
    primary_phone: patient.primary_phone ?? undefined,
    email: patient.email ?? undefined,
    preferred_provider_uuid: patient.preferred_provider_uuid ?? undefined,
    ...(patient.duplicate_markers.length > 0 ? { duplicate_markers: patient.duplicate_markers } : {}),
    created_at: at,
    updated_at: at,
  };
  return {
    patient: { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
    search: searchItemPuts(orgId, patient.uuid, search).map((s) => s.put),
  };
}

/**
 * A change of a patient: its Update, conditioned on the version read (so everything derived from
 * the read — the search items to delete, the markers held — is what the item still has), and, when
 * `search` is given, the Puts of its new search items and the Deletes of the old ones it no longer has.
 */
export function changePatient(
  orgId: string,
  seen: PatientRecord,
  next: PatientRecord,
  search: { before: Pick<SearchItems, 'tokens' | 'lookups'>; after: SearchItems } | undefined,
  at: string,
): { patient: TransactItem; search: TransactItem[] } {
  const fields = {
    first_name: next.first_name,
    last_name: next.last_name,
    date_of_birth: next.date_of_birth,
    primary_phone: next.primary_phone,
    email: next.email,
    preferred_provider_uuid: next.preferred_provider_uuid,
    archived_at: next.archived_at,
    duplicate_markers: next.duplicate_markers.length > 0 ? next.duplicate_markers : null,
    version: next.version,
    updated_at: at,
  };
  const versioned = seen.version === undefined ? 'attribute_not_exists(version)' : 'version = :seen';
  const parts = updateExpression(fields, seen.version === undefined ? {} : { values: { ':seen': seen.version } });
  const patient: TransactItem = {
    Update: { TableName: tableName, Key: keys.patient(orgId, seen.uuid), ...parts, ConditionExpression: `attribute_exists(pk) AND ${versioned}` },
  };
  if (!search) return { patient, search: [] };
  const puts = searchItemPuts(orgId, seen.uuid, search.after);
  const gone = searchItemKeys(orgId, seen.uuid, search.before).filter((k) => !puts.some((p) => sameKey(p.key, k)));
  return { patient, search: [...puts.map((p) => p.put), ...gone.map((Key) => ({ Delete: { TableName: tableName, Key } }))] };
}

/** Index items of one partition (active or archived) whose sort key begins with `prefix`: one Query, up to `limit` items. */
export async function searchItemsStartingWith(orgId: string, prefix: string, limit: number, archived = false): Promise<PatientNameRecord[]> {
  const index = INDEXES.patientsByName;
  const items = await queryAll(
    {
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':pk': keys.patientsByLookup.partition(orgId, archived), ':prefix': prefix },
    },
    limit,
  );
  return items.map(toNameRecord);
}

/** The name-token items whose token begins with `word` (active patients): one Query of the index, up to `limit` items. */
export const nameTokensStartingWith = (orgId: string, word: string, limit: number, archived = false) => searchItemsStartingWith(orgId, word, limit, archived);

/** The lookup items of one exact value (hash). */
export const lookupMatches = (orgId: string, lookup: { kind: string; hash: string }, limit: number, archived = false) =>
  searchItemsStartingWith(orgId, keys.patientsByLookup.prefix(lookup.kind, lookup.hash), limit, archived);

/**
 * Backfill of patients from before lookups and markers (the admin CLI's `backfill-patients`).
 *
 * Every patient has name-token items in the org's names partition of `patients-by-name` (or, once
 * archived, in the archived one); each of them carries all the patient's tokens (`name_tokens`), so
 * the item of the first token stands for the patient: reading a partition page by page and keeping
 * only those items names every patient once, without remembering the ones already seen.
 */
export type PatientIndexPage = { patientIds: string[]; next: Record<string, unknown> | undefined };

/** One page (up to `limit` index items) of a names partition, as the uuids of the patients whose first name-token item is on it. */
export async function patientsOfIndexPage(orgId: string, archived: boolean, limit: number, start: Record<string, unknown> | undefined): Promise<PatientIndexPage> {
  const index = INDEXES.patientsByName;
  const { items, next } = await queryPage(
    {
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': index.partitionKey },
      ExpressionAttributeValues: { ':pk': keys.patientsByLookup.partition(orgId, archived) },
    },
    limit,
    start,
  );
  const firsts = items.filter((item) => {
    const id = item.patient_uuid;
    const first = (item.name_tokens as string[] | undefined)?.[0];
    return typeof id === 'string' && first !== undefined && item.sk === keys.patientNameToken(orgId, id, first).sk;
  });
  return { patientIds: [...new Set(firsts.map((item) => item.patient_uuid as string))], next };
}

/** The keys of a patient's lookup items (which exist once backfilled or written by a create or change). */
export const lookupItemKeys = (orgId: string, patientId: string, lookups: readonly { kind: string; hash: string }[]): Key[] =>
  lookups.map((l) => keys.patientLookup(orgId, patientId, l.kind, l.hash));

/** A marker item's key (to read who holds it). */
export const markerKey = (orgId: string, hash: string): Key => keys.patientDuplicate(orgId, hash);

/**
 * Puts of the patient's lookup items whose keys are in `missing`: the very items a create or a
 * change writes, each only while it is still missing (a backfill never overwrites what the API wrote).
 */
export function putMissingLookups(orgId: string, patientId: string, search: SearchItems, missing: readonly Key[]): TransactItem[] {
  return searchItems(orgId, patientId, search)
    .lookups.filter(({ key }) => missing.some((m) => sameKey(m, key)))
    .map(({ key, item }) => ({ Put: { TableName: tableName, Item: { ...key, ...item }, ConditionExpression: 'attribute_not_exists(pk)' } }));
}

/** The patient is still the version read (so what was derived from it, its lookups, is still true). */
export function patientUnchanged(orgId: string, seen: PatientRecord): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: keys.patient(orgId, seen.uuid),
      ConditionExpression: seen.version === undefined ? 'attribute_exists(pk) AND attribute_not_exists(version)' : 'attribute_exists(pk) AND version = :seen',
      ...(seen.version === undefined ? {} : { ExpressionAttributeValues: { ':seen': seen.version } }),
    },
  };
}

/** The marker still names the patient (one it holds but its item does not list yet). */
export function markerHeldBy(orgId: string, hash: string, patientId: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: keys.patientDuplicate(orgId, hash),
      ConditionExpression: 'patient_uuid = :me',
      ExpressionAttributeValues: { ':me': patientId },
    },
  };
}
