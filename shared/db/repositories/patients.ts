/**
 * Patients: the patient item (`ORG#o#PATIENT#p` / `PATIENT`), and one name-token item per
 * normalised name token in its partition, indexed by `patients-by-name` (the org's names, sorted by
 * token): `begins_with(token prefix)` finds candidates.
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { getOne, queryAll, type Item, type TransactItem } from '../operations.ts';
import { ref, type Ref } from '../refs.ts';
import { INDEXES } from '../table-definition.ts';

export type PatientRecord = {
  uuid: string;
  first_name: string;
  last_name: string;
  date_of_birth: string;
  primary_phone: string | null;
  email: string | null;
  preferred_provider_uuid: string | null;
};

/** What a name-token index item holds: enough to narrow a search without reading the patients. */
export type PatientNameRecord = { patient_uuid: string; name_tokens: string[]; sort_name: string };

export function toPatientRecord(item: Item): PatientRecord {
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

const toNameRecord = (item: Item): PatientNameRecord => ({
  patient_uuid: item.patient_uuid as string,
  name_tokens: item.name_tokens as string[],
  sort_name: item.sort_name as string,
});

export const patientRef = (orgId: string, patientId: string): Ref<PatientRecord> => ref(keys.patient(orgId, patientId), toPatientRecord);

/** One patient (an eventually consistent GetItem, as every patient read has been). */
export async function readPatient(orgId: string, patientId: string): Promise<PatientRecord | undefined> {
  const item = await getOne(keys.patient(orgId, patientId), { consistent: false });
  return item && toPatientRecord(item);
}

/** Whether the patient exists (a GetItem of its key alone). */
export async function patientExists(orgId: string, patientId: string): Promise<boolean> {
  return (await getOne(keys.patient(orgId, patientId), { consistent: false, projection: 'pk' })) !== undefined;
}

/** The Puts of a new patient: the patient (unless its uuid exists) and its name tokens. */
export function putNewPatient(orgId: string, patient: PatientRecord, names: { tokens: string[]; sortName: string }, at: string): { patient: TransactItem; names: TransactItem[] } {
  const item = {
    ...keys.patient(orgId, patient.uuid),
    entity: 'patient',
    uuid: patient.uuid,
    first_name: patient.first_name,
    last_name: patient.last_name,
    date_of_birth: patient.date_of_birth,
    primary_phone: patient.primary_phone ?? undefined,
    email: patient.email ?? undefined,
    preferred_provider_uuid: patient.preferred_provider_uuid ?? undefined,
    created_at: at,
    updated_at: at,
  };
  const tokenItems = names.tokens.map((token) => ({
    ...keys.patientNameToken(orgId, patient.uuid, token),
    [INDEXES.patientsByName.partitionKey]: keys.patientsByName.partition(orgId),
    [INDEXES.patientsByName.sortKey]: keys.patientsByName.sort(token, patient.uuid),
    entity: 'patient-name',
    patient_uuid: patient.uuid,
    name_tokens: names.tokens,
    sort_name: names.sortName,
  }));
  return {
    patient: { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
    names: tokenItems.map((t) => ({ Put: { TableName: tableName, Item: t } })),
  };
}

/** The name-token items whose token begins with `word`: one Query of the index, up to `limit` items. */
export async function nameTokensStartingWith(orgId: string, word: string, limit: number): Promise<PatientNameRecord[]> {
  const index = INDEXES.patientsByName;
  const items = await queryAll(
    {
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :word)',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':pk': keys.patientsByName.partition(orgId), ':word': word },
    },
    limit,
  );
  return items.map(toNameRecord);
}
