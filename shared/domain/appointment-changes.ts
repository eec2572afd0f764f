/**
 * Changing an appointment: its status (confirm, check in, complete, cancel, no-show) and its
 * schedule (window, provider, operatory, type, notes).
 *
 * Every change is one transaction: the appointment update, conditioned on the version that was read
 * (optimistic concurrency; `If-Match` makes a stale version a 412), plus exactly the slot locks that
 * must be released and taken. So the locks always match the active appointments: cancelling or a
 * no-show releases them in the same write that changes the status, and a move releases the granules
 * no longer covered and takes only the new ones — never conflicting with itself. The same
 * transaction puts the change's audit entry and its one event (appointment-events.ts), so a refused,
 * failed or retried change writes neither.
 */
import { keyOfPut, namedTransaction, type Cancellation, type TransactItem } from '../db/operations.ts';
import { changeAppointment, changeStatus, nextVersion, type AppointmentChanges, type AppointmentRecord, type StatusChangeRecord } from '../db/repositories/appointments.ts';
import { operatoryBookingGuard } from '../db/repositories/operatories.ts';
import { providerBookingGuard } from '../db/repositories/providers.ts';
import { releaseLock, takeLock } from '../db/repositories/slot-locks.ts';
import { again, withRetries } from '../db/retry.ts';
import { nowIso } from '../db/timestamps.ts';
import { ApiError, slotConflict, unprocessable } from '../errors.ts';
import type { Appointment, AppointmentStatus, UpdateAppointmentInput } from '../schemas/appointments.ts';
import { toWallClock } from '../time/wall-clock.ts';
import { examPin, NOT_AN_EXAMINER, assertScheduled, etagOf, loadReferences, relatedOf, toAppointment, type Related, planWindow, readAppointmentRecord, ScheduleChanged, scheduleKeptChanging } from './appointments.ts';
import { GUARD_ATTEMPTS, guardBackoff } from './schedule-guard.ts';
import { auditItem, type Actor } from './audit.ts';
import { appointmentEvent, editEventType, statusEventType } from './appointment-events.ts';
import { eventItem } from './events.ts';
import { conflictsOf, lockDifference, lockRefs, locksOf } from './slot-locks.ts';
import { examinerFits } from './bookable.ts';
import { TRANSITIONS } from './status-transitions.ts';

/** Allowed status changes (status-transitions.ts, shared with the front desk). Anything else is a 409 naming both statuses. */
export { TRANSITIONS };

/** Statuses that give the time back: their slot locks are released with the status change. */
const RELEASES_TIME: ReadonlySet<AppointmentStatus> = new Set(['cancelled', 'no_show']);
/** Statuses whose appointment may still be moved or edited. */
const EDITABLE: ReadonlySet<AppointmentStatus> = new Set(['scheduled', 'confirmed']);

/** Attempts of read–check–write when another change got in between (without If-Match). */
const ATTEMPTS = 3;

type ChangeOptions = { ifMatch?: string; now?: Date };
type Changed = { appointment: Appointment; etag: string };

/** Pure: may an appointment in `from` (starting at `startUtc`) move to `to` at `now`? */
export function transitionProblem(from: AppointmentStatus, to: AppointmentStatus, startUtc: string, now: Date): ApiError | undefined {
  const refuse = (detail: string) => new ApiError('status-conflict', detail, { current_status: from, requested_status: to });
  if (!TRANSITIONS[from].includes(to)) return refuse(`An appointment that is ${from} cannot become ${to}.`);
  if (to === 'no_show' && now.getTime() < Date.parse(startUtc)) return refuse('An appointment becomes a no-show only once its start has passed.');
  return undefined;
}

/** `If-Match`: `*`, or a list of ETags one of which must be the current one. */
function assertIfMatch(record: AppointmentRecord, ifMatch: string | undefined) {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const current = etagOf(record);
  const offered = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!offered.includes(current)) {
    throw new ApiError('precondition-failed', `The appointment changed since that version (its ETag is now ${current}); read it again.`);
  }
}

/** A change's transaction: the appointment's update (named `appointment`), then the other items, by name. */
type ChangeItem = 'appointment' | 'release' | 'take' | 'guard' | 'audit' | 'event';
type ChangeTransaction = ReturnType<typeof namedTransaction<ChangeItem>>;

/** The change's transaction failed because another change of the appointment got in (its version condition). */
class VersionChanged extends Error {
  override name = 'VersionChanged';
}

/**
 * Runs one read–check–write. A cancelled transaction whose appointment update (the version
 * condition) failed means another change got in: with If-Match that is a 412, without it we read
 * again and retry.
 */
async function withOptimisticRetry(orgId: string, appointmentId: string, options: ChangeOptions, write: (record: AppointmentRecord) => Promise<{ updated: AppointmentRecord; related: Related }>): Promise<Changed> {
  return withRetries({ attempts: GUARD_ATTEMPTS, pause: guardBackoff, exhausted: scheduleKeptChanging }, async (attempt) => {
    const record = await readAppointmentRecord(orgId, appointmentId);
    assertIfMatch(record, options.ifMatch);
    try {
      // The answer is built from what was read and written, never read again.
      const { updated, related } = await write(record);
      return { appointment: toAppointment(updated, related), etag: etagOf(updated) };
    } catch (error) {
      if (error instanceof ScheduleChanged) return again();
      if (!(error instanceof VersionChanged)) throw error;
      if (options.ifMatch !== undefined) throw new ApiError('precondition-failed', 'The appointment changed while this change was being made; read it again.');
      if (attempt >= ATTEMPTS) throw new ApiError('unavailable', 'The appointment is being changed by several clients at once; retry shortly.');
      return again({ pause: false });
    }
  });
}

/** Commits a change; a failed version condition becomes VersionChanged, other cancellations go to `onCancelled`. */
async function commitChange(tx: ChangeTransaction, audit: TransactItem, onCancelled: (cancelled: Cancellation<string>) => void = () => {}): Promise<void> {
  try {
    await tx.commit({ witness: keyOfPut(audit) });
  } catch (error) {
    const cancelled = tx.cancellation(error);
    if (!cancelled) throw error;
    if (cancelled.failed.has('appointment')) throw new VersionChanged();
    onCancelled(cancelled);
    throw error;
  }
}

export async function changeAppointmentStatus(
  orgId: string,
  actor: Actor,
  appointmentId: string,
  change: { status: AppointmentStatus; reason?: string | null },
  options: ChangeOptions = {},
): Promise<Changed> {
  const now = options.now ?? new Date();
  return withOptimisticRetry(orgId, appointmentId, options, async (record) => {
    const from = record.status;
    const problem = transitionProblem(from, change.status, record.start_utc, now);
    if (problem) throw problem;
    const entry: StatusChangeRecord = { at: nowIso(now), token_id: actor.tokenId, from, to: change.status, reason: change.reason ?? null };
    const releases = RELEASES_TIME.has(change.status) ? locksOf(record).map((l) => releaseLock(orgId, l, appointmentId)) : [];
    const audit = auditItem(orgId, actor, 'appointment.status', 'appointment', appointmentId, now);
    const updated: AppointmentRecord = { ...record, status: change.status, version: nextVersion(record), status_history: [...record.status_history, entry] };
    const event = appointmentEvent(statusEventType(change.status), updated, from, etagOf(updated));
    // What the answer shows of the patient, type, location, provider and chair is read alongside the write.
    const related = relatedOf(orgId, record);
    related.catch(() => {});
    const tx = namedTransaction<ChangeItem>([
      ['appointment', changeStatus(orgId, record, entry)],
      ...releases.map((r) => ['release', r] as const),
      ['audit', audit],
      ['event', eventItem(orgId, event, now)],
    ]);
    await commitChange(tx, audit);
    return { updated, related: await related };
  });
}

export async function updateAppointment(
  orgId: string,
  actor: Actor,
  appointmentId: string,
  patch: UpdateAppointmentInput,
  options: ChangeOptions = {},
): Promise<Changed> {
  const now = options.now ?? new Date();
  return withOptimisticRetry(orgId, appointmentId, options, async (record) => {
    const status = record.status;
    if (!EDITABLE.has(status)) {
      throw new ApiError('status-conflict', `An appointment that is ${status} can no longer be changed.`, { current_status: status });
    }
    const next = {
      appointment_type_uuid: patch.appointment_type_uuid ?? record.appointment_type_uuid,
      provider_uuid: patch.provider_uuid ?? record.provider_uuid,
      operatory_uuid: patch.operatory_uuid ?? record.operatory_uuid,
    };
    const changed = new Set(Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined));
    const refs = await loadReferences(orgId, { patient_uuid: record.patient_uuid, location_uuid: record.location_uuid, ...next }, changed);

    const moves = patch.scheduled_start !== undefined || next.provider_uuid !== record.provider_uuid || next.operatory_uuid !== record.operatory_uuid;
    const changes: AppointmentChanges = { ...next, updated_at: nowIso(now) };
    let locks: { release: TransactItem[]; take: TransactItem[] } = { release: [], take: [] };
    const guards: TransactItem[] = [];
    let takesProviderTime = false;
    if (moves) {
      const zone = record.time_zone;
      const times = patch.scheduled_start !== undefined
        ? { scheduled_start: patch.scheduled_start, scheduled_end: patch.scheduled_end! }
        : { scheduled_start: toWallClock(record.start_utc, zone), scheduled_end: toWallClock(record.end_utc, zone) };
      const window = planWindow(refs, times, now);
      assertScheduled(refs, window);
      const diff = lockDifference(locksOf(record), lockRefs({ providerId: next.provider_uuid, operatoryId: next.operatory_uuid, granules: window.granules }));
      const lockMinutes = refs.org.lock_granule_minutes;
      locks = { release: diff.release.map((l) => releaseLock(orgId, l, appointmentId)), take: diff.take.map((l) => takeLock(orgId, l, appointmentId, lockMinutes)) };
      // Taking new time of a resource relies on its hours, time off and is_active as read: guard them.
      const inactive = [
        ...(diff.take.some((l) => l.resource === 'provider') && refs.provider.is_active !== true ? [{ path: 'body.provider_uuid', message: 'the provider is inactive' }] : []),
        ...(diff.take.some((l) => l.resource === 'operatory') && refs.operatory?.is_active !== true ? [{ path: 'body.operatory_uuid', message: 'the operatory is inactive' }] : []),
      ];
      if (inactive.length > 0) throw unprocessable('The appointment cannot take new time of an inactive provider or operatory.', inactive);
      takesProviderTime = diff.take.some((l) => l.resource === 'provider');
      // Rule 0 (bookable.ts) holds for new time of the provider too (a new type or provider was checked with the references).
      if (takesProviderTime && !examinerFits(refs.type, refs.provider)) throw unprocessable('The appointment type requires an exam and the provider cannot examine.', [NOT_AN_EXAMINER]);
      if (takesProviderTime) guards.push(providerBookingGuard(orgId, refs.provider));
      if (diff.take.some((l) => l.resource === 'operatory') && refs.operatory) guards.push(operatoryBookingGuard(orgId, refs.operatory));
      Object.assign(changes, { start_utc: window.startUtc, end_utc: window.endUtc });
    }
    if (patch.notes !== undefined) changes.notes = patch.notes;
    // A new type, a new provider or new time of the provider relies on rule 0 as read: keep it true as the change commits.
    const exam = takesProviderTime || changes.appointment_type_uuid !== record.appointment_type_uuid ? examPin(orgId, refs.type, refs.provider, takesProviderTime) : undefined;
    if (exam) guards.push(exam);

    const audit = auditItem(orgId, actor, 'appointment.update', 'appointment', appointmentId, now);
    const updated: AppointmentRecord = {
      ...record,
      appointment_type_uuid: changes.appointment_type_uuid,
      provider_uuid: changes.provider_uuid,
      operatory_uuid: changes.operatory_uuid,
      ...(changes.start_utc !== undefined && changes.end_utc !== undefined ? { start_utc: changes.start_utc, end_utc: changes.end_utc } : {}),
      version: nextVersion(record),
    };
    if (changes.notes === null) delete updated.notes;
    else if (changes.notes !== undefined) updated.notes = changes.notes;
    const event = appointmentEvent(editEventType(record, updated), updated, status, etagOf(updated));
    const tx = namedTransaction<ChangeItem>([
      ['appointment', changeAppointment(orgId, record, changes)],
      ...locks.release.map((r) => ['release', r] as const),
      ...locks.take.map((t) => ['take', t] as const),
      ...guards.map((g) => ['guard', g] as const),
      ['audit', audit],
      ['event', eventItem(orgId, event, now)],
    ]);
    await commitChange(tx, audit, (cancelled) => {
      const conflicts = conflictsOf(cancelled);
      if (conflicts.length > 0) throw slotConflict(conflicts);
      // Only a guard failed: the provider's or chair's schedule changed since it was read.
      if (cancelled.failed.size > 0 && [...cancelled.failed].every((name) => name === 'guard')) throw new ScheduleChanged();
    });
    return { updated, related: { patient: refs.patient, type: refs.type, location: refs.location, provider: refs.provider, operatory: refs.operatory! } };
  });
}
