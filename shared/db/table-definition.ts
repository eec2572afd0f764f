/**
 * The one DynamoDB table, described once. The CDK stack and the local runtime (DynamoDB Local, the
 * tests) both build the table from this, so the two can never disagree about keys or indexes.
 */
export const KEY = { partition: 'pk', sort: 'sk' } as const;

/** Time-to-live attribute (epoch seconds): slot locks of the past expire on their own. */
export const TTL_ATTRIBUTE = 'expires_at';

/**
 * Global secondary indexes, named after the access pattern they serve.
 * Items opt in by carrying the index's key attributes (sparse indexes).
 */
export const INDEXES = {
  /** Patients by normalised name token: one item per name token, begins_with on the token. */
  patientsByName: {
    name: 'patients-by-name',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    /** Only what narrowing a search needs; the page itself is read from the patient items. */
    projection: { type: 'INCLUDE', attributes: ['patient_uuid', 'name_tokens', 'sort_name'] },
  },
  /** The org's appointments by start time (day views, filtered by location, provider, operatory, status). */
  appointmentsByStart: {
    name: 'appointments-by-start',
    partitionKey: 'gsi2pk',
    sortKey: 'gsi2sk',
    projection: { type: 'ALL' },
  },
  /** A patient's appointments by start time. */
  appointmentsByPatient: {
    name: 'appointments-by-patient',
    partitionKey: 'gsi3pk',
    sortKey: 'gsi3sk',
    projection: { type: 'ALL' },
  },
} as const;

export type IndexName = (typeof INDEXES)[keyof typeof INDEXES]['name'];

export const KEY_ATTRIBUTES: readonly string[] = [
  KEY.partition,
  KEY.sort,
  ...Object.values(INDEXES).flatMap((i) => [i.partitionKey, i.sortKey]),
];

/**
 * The table's stream: what the webhook dispatcher reads (in AWS through a Lambda event source, under
 * `npm start` through infra/local/event-stream.ts). New images are all it needs: it reacts to items
 * as written (shared/webhooks/stream-filter.ts says which).
 */
export const STREAM_VIEW_TYPE = 'NEW_IMAGE' as const;
