/**
 * Backfill of patients created before lookups (phone, email, date of birth) and possible-duplicate
 * markers existed: the admin CLI's `backfill-patients`. Such a patient gets exactly the lookup items
 * and markers a create (or a change of its identity) would have written for its current fields.
 *
 * - Finding them, never a Scan: every patient has name-token items in the org's partition of the
 *   `patients-by-name` index (archived ones in the archived partition), read page by page; each
 *   page's patients, then their lookup items and markers, are read in BatchGets. Memory and work are
 *   bounded by the page (`PAGE_ITEMS` index items), except in a dry run (see `wouldClaim`).
 * - Safe beside the API: one transaction per patient, conditioned on the version read (a change that
 *   got in between cancels it, and the patient is read again and re-planned); each lookup is put only
 *   while still missing and each marker claimed only while free. A patient that claims markers gets
 *   a new version (so a PATCH that read the old one cannot drop them from its list) and a
 *   `patient.update` audit entry by the system.
 * - Idempotent: a patient with its lookups and markers (or whose missing markers are held by
 *   another patient) needs nothing, so a second run writes nothing.
 * - A marker already held by another patient (two legacy records of one person) is left to its
 *   holder: the pair is reported, by uuid only, and neither record is changed for it.
 *
 * A patient created with `allow_duplicate` holds no markers either; it claims those still free,
 * as a create without the flag would have (those it duplicates are held by the first record).
 */
import { getMany, keyOfPut, namedTransaction, nowIso, type Item, type Key, type TransactItem } from '../db/operations.ts';
import {
  changePatient,
  claimMarker,
  lookupItemKeys,
  markerHeldBy,
  markerHolder,
  markerKey,
  patientsOfIndexPage,
  patientRef,
  patientUnchanged,
  putMissingLookups,
  type PatientRecord,
} from '../db/repositories/patients.ts';
import { readList } from '../db/refs.ts';
import { auditItem, SYSTEM_ACTOR, type Actor } from './audit.ts';
import { markersOf, type Marker, type MarkerKind } from './patient-search.ts';
import { searchOf } from './patients.ts';

/** Index items read per page (a patient has one per name token and lookup). */
export const PAGE_ITEMS = 100;
/** Patients written at once within a page. */
const PARALLEL_WRITES = 8;
/** Plans of one patient tried before it is skipped (each failed one because the patient changed meanwhile). */
const ATTEMPTS = 3;

export type BackfillSummary = {
  patients_seen: number;
  /** Patients something was (or, dry, would be) written for. */
  patients_backfilled: number;
  /** Lookup items written. */
  entries_written: number;
  markers_claimed: number;
  /** Markers a patient lacks that another patient holds (left to it). */
  markers_held_by_another: number;
  /** Distinct (patient, holder) pairs among those. */
  possible_duplicate_pairs: number;
  /** Patients left as they were: gone, or changed under every attempt (run again). */
  skipped: number;
};

/** A possible duplicate found: uuids and marker kinds only, never patient data. */
export type DuplicatePair = { patient_uuid: string; held_by: string; markers: MarkerKind[] };

export type BackfillOptions = {
  dryRun: boolean;
  /** Called once per pair found (the CLI prints it). */
  onDuplicate?: (pair: DuplicatePair) => void;
  actor?: Actor;
  pageItems?: number;
};

type Plan = {
  record: PatientRecord;
  missing: Key[];
  claim: Marker[];
  /** Markers that already name the patient but its item does not list. */
  adopt: Marker[];
  heldByOther: { kind: MarkerKind; holder: string }[];
};

const needsWrite = (p: Plan) => p.missing.length > 0 || p.claim.length > 0 || p.adopt.length > 0;

/** The keys whose items a plan needs: the patient's lookup items and its markers. */
function keysToCheck(orgId: string, record: PatientRecord): Key[] {
  return [...lookupItemKeys(orgId, record.uuid, searchOf(record).lookups), ...markersOf(record).map((m) => markerKey(orgId, m.hash))];
}

/** Pure: what a patient lacks, given the items found (and, in a dry run, the markers it would claim earlier in the run). */
export function planBackfill(orgId: string, record: PatientRecord, found: (key: Key) => Item | undefined, wouldClaim?: ReadonlyMap<string, string>): Plan {
  const missing = lookupItemKeys(orgId, record.uuid, searchOf(record).lookups).filter((k) => found(k) === undefined);
  const held = new Set(record.duplicate_markers);
  const plan: Plan = { record, missing, claim: [], adopt: [], heldByOther: [] };
  for (const marker of markersOf(record)) {
    if (held.has(marker.hash)) continue;
    const holder = markerHolder(found(markerKey(orgId, marker.hash))) ?? wouldClaim?.get(marker.hash);
    if (holder === undefined) plan.claim.push(marker);
    else if (holder === record.uuid) plan.adopt.push(marker);
    else plan.heldByOther.push({ kind: marker.kind, holder });
  }
  return plan;
}

/** The one transaction of a plan: every item conditioned so that a concurrent change cancels it. */
function transactionOf(orgId: string, plan: Plan, actor: Actor) {
  const { record } = plan;
  const now = new Date();
  const marks = [...plan.adopt, ...plan.claim];
  const audit = marks.length > 0 ? auditItem(orgId, actor, 'patient.update', 'patient', record.uuid, now) : undefined;
  const next: PatientRecord = { ...record, version: (record.version ?? 1) + 1, duplicate_markers: [...record.duplicate_markers, ...marks.map((m) => m.hash)] };
  const lookups = putMissingLookups(orgId, record.uuid, searchOf(record), plan.missing);
  const tx = namedTransaction<string>([
    // With markers the item changes (a new version, its list of markers); without, it must only be as read.
    ['patient', audit ? changePatient(orgId, record, next, undefined, nowIso(now)).patient : patientUnchanged(orgId, record)],
    ...lookups.map((put) => ['lookup', put] as const),
    ...plan.adopt.map((m) => ['adopt', markerHeldBy(orgId, m.hash, record.uuid)] as const),
    ...plan.claim.map((m) => [`marker-${m.kind}`, claimMarker(orgId, m.hash, record.uuid, m.kind)] as const),
    ...(audit ? [['audit', audit] as const] : []),
  ] satisfies (readonly [string, TransactItem])[]);
  // An item only this transaction creates tells whether a lost reply committed.
  const witness = audit ?? lookups[0];
  return { tx, witness: witness && keyOfPut(witness) };
}

/**
 * Backfills one organisation's patients (active and archived) and says what it did; a dry run
 * reads the same and writes nothing.
 */
export async function backfillPatients(orgId: string, options: BackfillOptions): Promise<BackfillSummary> {
  const { dryRun, onDuplicate, actor = SYSTEM_ACTOR, pageItems = PAGE_ITEMS } = options;
  const summary: BackfillSummary = {
    patients_seen: 0,
    patients_backfilled: 0,
    entries_written: 0,
    markers_claimed: 0,
    markers_held_by_another: 0,
    possible_duplicate_pairs: 0,
    skipped: 0,
  };
  // A dry run claims nothing, so it remembers what it would have claimed: a later legacy duplicate
  // is then reported as the real run would report it. (32 hex characters per marker, for the run.)
  const wouldClaim = dryRun ? new Map<string, string>() : undefined;

  const settle = (plan: Plan) => {
    if (needsWrite(plan)) summary.patients_backfilled++;
    summary.entries_written += plan.missing.length;
    summary.markers_claimed += plan.claim.length + plan.adopt.length;
    summary.markers_held_by_another += plan.heldByOther.length;
    for (const m of plan.claim) wouldClaim?.set(m.hash, plan.record.uuid);
    const holders = new Map<string, MarkerKind[]>();
    for (const { kind, holder } of plan.heldByOther) holders.set(holder, [...(holders.get(holder) ?? []), kind]);
    for (const [holder, markers] of holders) {
      summary.possible_duplicate_pairs++;
      onDuplicate?.({ patient_uuid: plan.record.uuid, held_by: holder, markers });
    }
  };

  /** Reads a patient and what it has again (consistently), after its transaction was cancelled. */
  const replan = async (patientId: string): Promise<Plan | undefined> => {
    const [record] = await readList([patientRef(orgId, patientId)]);
    if (!record) return undefined;
    return planBackfill(orgId, record, await getMany(keysToCheck(orgId, record)));
  };

  const backfill = async (first: Plan) => {
    let plan: Plan | undefined = first;
    for (let attempt = 1; plan; attempt++) {
      if (!needsWrite(plan)) return settle(plan);
      const { tx, witness } = transactionOf(orgId, plan, actor);
      try {
        await tx.commit(witness ? { witness } : {});
        return settle(plan);
      } catch (error) {
        if (!tx.cancellation(error)) throw error;
      }
      // The patient changed, or a lookup or marker was written, since it was read: read it again.
      plan = attempt < ATTEMPTS ? await replan(first.record.uuid) : undefined;
    }
    summary.skipped++;
  };

  for (const archived of [false, true]) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await patientsOfIndexPage(orgId, archived, pageItems, start);
      start = page.next;
      if (page.patientIds.length === 0) continue;
      summary.patients_seen += page.patientIds.length;
      const records = (await readList(page.patientIds.map((id) => patientRef(orgId, id)))).filter((r): r is PatientRecord => r !== undefined);
      summary.skipped += page.patientIds.length - records.length;
      const found = await getMany(records.flatMap((r) => keysToCheck(orgId, r)));
      // In order within a write group: a dry run's plans see the claims of those before them.
      for (let i = 0; i < records.length; i += PARALLEL_WRITES) {
        const group = records.slice(i, i + PARALLEL_WRITES);
        if (dryRun) group.forEach((r) => settle(planBackfill(orgId, r, found, wouldClaim)));
        else await Promise.all(group.map((r) => backfill(planBackfill(orgId, r, found))));
      }
    } while (start);
  }
  return summary;
}
