/**
 * Key builders: the only place a key string is formed.
 *
 * Every key of tenant data starts with `ORG#<org>`, so a query built for one organisation cannot
 * reach another's items. The one exception is the token lookup, which has to find the organisation
 * from the secret's hash before it knows it.
 */
type Key = { pk: string; sk: string };

const org = (orgId: string) => `ORG#${orgId}`;
const appointmentNotesPartition = (orgId: string, appointmentId: string) => `${org(orgId)}#APPT#${appointmentId}#NOTES`;

export const keys = {
  org: (orgId: string): Key => ({ pk: org(orgId), sk: 'ORG' }),

  /** API token, found by the SHA-256 of its secret (the secret itself is never stored). */
  token: (secretHash: string): Key => ({ pk: `TOKEN#${secretHash}`, sk: 'TOKEN' }),

  patient: (orgId: string, patientId: string): Key => ({ pk: `${org(orgId)}#PATIENT#${patientId}`, sk: 'PATIENT' }),
  /** One item per normalised name token of a patient, indexed by `patientsByName`. */
  patientNameToken: (orgId: string, patientId: string, token: string): Key => ({
    pk: `${org(orgId)}#PATIENT#${patientId}`,
    sk: `NAME#${token}`,
  }),
  patientsByName: {
    partition: (orgId: string) => `${org(orgId)}#PATIENT_NAMES`,
    /** Sorted by token, then patient: begins_with(token prefix) finds every patient with such a name. */
    sort: (token: string, patientId: string) => `${token}#${patientId}`,
  },

  /** Org-level catalogue items share the org partition: one Query lists a kind (begins_with prefix). */
  appointmentType: (orgId: string, typeId: string): Key => ({ pk: org(orgId), sk: `APPTTYPE#${typeId}` }),
  appointmentTypes: (orgId: string) => ({ pk: org(orgId), skPrefix: 'APPTTYPE#' }),
  /** Claims a type code within the org, so two types cannot share one (written with the type). */
  appointmentTypeCode: (orgId: string, code: string): Key => ({ pk: org(orgId), sk: `APPTTYPECODE#${code}` }),
  location: (orgId: string, locationId: string): Key => ({ pk: org(orgId), sk: `LOCATION#${locationId}` }),
  locations: (orgId: string) => ({ pk: org(orgId), skPrefix: 'LOCATION#' }),
  /** Operatories sort under their location, so one Query lists a location's chairs. */
  operatory: (orgId: string, locationId: string, operatoryId: string): Key => ({
    pk: org(orgId),
    sk: `OPERATORY#${locationId}#${operatoryId}`,
  }),
  operatoriesOf: (orgId: string, locationId: string) => ({ pk: org(orgId), skPrefix: `OPERATORY#${locationId}#` }),
  provider: (orgId: string, providerId: string): Key => ({ pk: org(orgId), sk: `PROVIDER#${providerId}` }),
  providers: (orgId: string) => ({ pk: org(orgId), skPrefix: 'PROVIDER#' }),
  /** Weekly working hours of a provider at a location. */
  workingHours: (orgId: string, providerId: string, locationId: string): Key => ({
    pk: org(orgId),
    sk: `HOURS#${providerId}#${locationId}`,
  }),
  /** All locations' hours of a provider: one Query. */
  workingHoursOf: (orgId: string, providerId: string) => ({ pk: org(orgId), skPrefix: `HOURS#${providerId}#` }),

  /**
   * Time off: the entry itself (found by its uuid), and a copy in its resource's time-off partition
   * sorted by UTC start, so the blocks overlapping a range are one Query: starts between
   * (range start − the longest allowed block) and range end. Both are written in one transaction.
   */
  timeOff: (orgId: string, timeOffId: string): Key => ({ pk: `${org(orgId)}#TIMEOFF#${timeOffId}`, sk: 'TIMEOFF' }),
  resourceTimeOff: (orgId: string, resource: 'provider' | 'operatory', resourceId: string, startUtc: string, timeOffId: string): Key => ({
    pk: `${org(orgId)}#TIMEOFF#${resource.toUpperCase()}#${resourceId}`,
    sk: `${startUtc}#${timeOffId}`,
  }),
  resourceTimeOffs: (orgId: string, resource: 'provider' | 'operatory', resourceId: string) => ({
    pk: `${org(orgId)}#TIMEOFF#${resource.toUpperCase()}#${resourceId}`,
  }),

  appointment: (orgId: string, appointmentId: string): Key => ({ pk: `${org(orgId)}#APPT#${appointmentId}`, sk: 'APPT' }),
  /** Day views: the org's appointments by start, and a patient's (index keys on the appointment item). */
  appointmentsByStart: {
    partition: (orgId: string) => `${org(orgId)}#APPTS`,
    sort: (startUtc: string, appointmentId: string) => `${startUtc}#${appointmentId}`,
  },
  appointmentsByPatient: {
    partition: (orgId: string, patientId: string) => `${org(orgId)}#PATIENT#${patientId}#APPTS`,
    sort: (startUtc: string, appointmentId: string) => `${startUtc}#${appointmentId}`,
  },

  /**
   * Audit entries of one entity (patient or appointment), newest last by sort key: `<at>#<request>`.
   * Every audit partition starts with `ORG#<org>#AUDIT#`, which is what the audit-only grant of the
   * read routes is limited to (IAM `dynamodb:LeadingKeys`).
   */
  audit: (orgId: string, entityId: string, at: string, requestId: string): Key => ({ pk: `${org(orgId)}#AUDIT#${entityId}`, sk: `${at}#${requestId}` }),
  auditOf: (orgId: string, entityId: string) => ({ pk: `${org(orgId)}#AUDIT#${entityId}` }),
  /** IAM pattern of every audit partition key, for `dynamodb:LeadingKeys` conditions. */
  auditPartitionPattern: 'ORG#*#AUDIT#*',
  /** IAM pattern of every tenant partition key (every key but the token lookup's). */
  tenantPartitionPattern: 'ORG#*',
  /** IAM pattern of the token items' partition keys. */
  tokenPartitionPattern: 'TOKEN#*',

  /** A create request's Idempotency-Key (hashed), per route: remembers the first answer for 24 hours. */
  idempotency: (orgId: string, scope: string, keyHash: string): Key => ({ pk: `${org(orgId)}#IDEMPOTENCY#${scope}#${keyHash}`, sk: 'IDEMPOTENCY' }),

  /**
   * Slot locks: one item per resource and granule, sort key = the granule's UTC start. A conditional
   * put (attribute_not_exists) of every granule an appointment covers is what makes double booking
   * impossible; a Query with `between` reads a resource's taken granules for a window.
   */
  providerSlot: (orgId: string, providerId: string, granule: string): Key => ({
    pk: `${org(orgId)}#SLOT#PROVIDER#${providerId}`,
    sk: granule,
  }),
  operatorySlot: (orgId: string, operatoryId: string, granule: string): Key => ({
    pk: `${org(orgId)}#SLOT#OPERATORY#${operatoryId}`,
    sk: granule,
  }),
  operatorySlots: (orgId: string, operatoryId: string) => ({ pk: `${org(orgId)}#SLOT#OPERATORY#${operatoryId}` }),
  providerSlots: (orgId: string, providerId: string) => ({ pk: `${org(orgId)}#SLOT#PROVIDER#${providerId}` }),

  /**
   * A token's metadata in its organisation (label, scopes, dates, and the hash that is the token
   * item's key), so an org's tokens can be listed and revoked by id. Written, and revoked, in one
   * transaction with the token item.
   */
  orgToken: (orgId: string, tokenId: string): Key => ({ pk: org(orgId), sk: `TOKEN#${tokenId}` }),
  orgTokens: (orgId: string) => ({ pk: org(orgId), skPrefix: 'TOKEN#' }),

  /**
   * Patient lookups beyond names: one item per patient and kind (`phone`, `email`, `dob`) in the
   * patient's partition, keyed by a hash of the normalised value (patient-search.ts), in the
   * `patients-by-name` index beside the name tokens. Their index sort key starts with `=`, which no
   * name token (letters and digits only) and no name query word can: a name prefix never reaches one.
   */
  patientLookup: (orgId: string, patientId: string, kind: string, hash: string): Key => ({
    pk: `${org(orgId)}#PATIENT#${patientId}`,
    sk: `LOOKUP#${kind}#${hash}`,
  }),
  patientsByLookup: {
    /** Active patients' search items share the name tokens' partition (`patientsByName`); archived ones have their own. */
    partition: (orgId: string, archived = false) => `${org(orgId)}#PATIENT_NAMES${archived ? '_ARCHIVED' : ''}`,
    sort: (kind: string, hash: string, patientId: string) => `=${kind}=${hash}#${patientId}`,
    /** Exact match: every patient with this value (begins_with, the `#` closing the hash). */
    prefix: (kind: string, hash: string) => `=${kind}=${hash}#`,
  },
  /**
   * A possible-duplicate marker: claims (date of birth + normalised name, phone or email) for one
   * patient, put with `attribute_not_exists` in the transaction that creates or changes it.
   */
  patientDuplicate: (orgId: string, hash: string): Key => ({ pk: `${org(orgId)}#PATIENTDUP#${hash}`, sk: 'PATIENTDUP' }),
  /**
   * Clinical notes of an appointment, in a partition of their own (`ORG#o#APPT#a#NOTES`), never read
   * with the appointment: each note under its number (`NOTE#0000000001`, zero-padded, so the sort key
   * order is the order they were written and a page is one Query of a key range), a pointer from its
   * uuid to its number (`NOTEID#<uuid>`, to find the note an amendment names), and the count of the
   * appointment's notes (`NOTES`), whose conditional update hands out the next number.
   */
  appointmentNote: (orgId: string, appointmentId: string, seq: number): Key => ({ pk: appointmentNotesPartition(orgId, appointmentId), sk: `NOTE#${String(seq).padStart(10, '0')}` }),
  appointmentNoteId: (orgId: string, appointmentId: string, noteId: string): Key => ({ pk: appointmentNotesPartition(orgId, appointmentId), sk: `NOTEID#${noteId}` }),
  appointmentNoteCount: (orgId: string, appointmentId: string): Key => ({ pk: appointmentNotesPartition(orgId, appointmentId), sk: 'NOTES' }),

  /**
   * The outbox: one item per event (`entity: 'event'`), in the organisation's event partition, sorted
   * by event id (`evt_` + a ULID: time first), so the pull feed is one Query of ids after a cursor
   * and the table's stream (filtered on `entity`) hands each new one to the webhook dispatcher.
   * Written in the transaction of the change it reports; expires through the TTL after ~30 days.
   */
  event: (orgId: string, eventId: string): Key => ({ pk: `${org(orgId)}#EVENTS`, sk: eventId }),
  events: (orgId: string) => ({ pk: `${org(orgId)}#EVENTS` }),

  /** A webhook endpoint, in the org partition beside the catalogue, so one Query lists them all. */
  webhookEndpoint: (orgId: string, endpointId: string): Key => ({ pk: org(orgId), sk: `WEBHOOK#${endpointId}` }),
  webhookEndpoints: (orgId: string) => ({ pk: org(orgId), skPrefix: 'WEBHOOK#' }),
  /**
   * One event's delivery to one endpoint (`entity: 'delivery'`): its state, attempt count and next
   * attempt. Found by its id (the retry route, the scheduled retry).
   */
  webhookDelivery: (orgId: string, deliveryId: string): Key => ({ pk: `${org(orgId)}#DELIVERY#${deliveryId}`, sk: 'DELIVERY' }),
  /**
   * The delivery log of an endpoint: one item per attempt, sorted by when it was made, so
   * `GET …/deliveries` is one Query, newest first. Expires through the TTL like the events.
   */
  webhookAttempt: (orgId: string, endpointId: string, at: string, deliveryId: string, attempt: number): Key => ({
    pk: `${org(orgId)}#WEBHOOK#${endpointId}#ATTEMPTS`,
    sk: `${at}#${deliveryId}#${String(attempt).padStart(2, '0')}`,
  }),
  webhookAttempts: (orgId: string, endpointId: string) => ({ pk: `${org(orgId)}#WEBHOOK#${endpointId}#ATTEMPTS` }),
} as const;
