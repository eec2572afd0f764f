/**
 * Changing an appointment: its status (confirm, check in, complete, cancel, no-show) and its
 * schedule (window, provider, operatory, type, notes).
 *
 * Every change is one transaction: the appointment update, conditioned on the version that was read
 * (optimistic concurrency; `If-Match` makes a stale version a 412), plus exactly the slot locks that
 * must be released and taken. So the locks always match the active appointments: cancelling or a
 * no-show releases them in the same write that changes the status, and a move releases the granules
 * no longer covered and takes only the new ones — never conflicting with itself.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { tableName } from '../db/client.ts';
import { keys } from '../db/keys.ts';
import { keyOfPut, nowIso, transactWrite, type Item } from '../db/operations.ts';
import { INDEXES } from '../db/table-definition.ts';
import { ApiError, slotConflict, unprocessable } from '../errors.ts';
import type { Appointment, AppointmentStatus, UpdateAppointmentInput } from '../schemas/appointments.ts';
import { toWallClock } from '../time/wall-clock.ts';
import { assertScheduled, etagOf, loadReferences, relatedOf, toAppointment, type Related, planWindow, readAppointmentItem, ScheduleChanged, scheduleKeptChanging, type StatusChangeRecord } from './appointments.ts';
import { lockGranuleMinutes } from './settings.ts';
import { bookingGuard, GUARD_ATTEMPTS, guardBackoff } from './schedule-guard.ts';
import { auditItem, type Actor } from './audit.ts';
import { conflictsOf, lockDifference, lockRefs, locksOf, releaseLock, takeLock } from './slot-locks.ts';

/** Allowed status changes. Anything else is a 409 naming both statuses. */
export const TRANSITIONS: Record<AppointmentStatus, readonly AppointmentStatus[]> = {
  scheduled: ['confirmed', 'cancelled', 'no_show'],
  confirmed: ['arrived', 'cancelled', 'no_show'],
  arrived: ['completed'],
  completed: [],
  cancelled: [],
  no_show: [],
};

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
function assertIfMatch(item: Item, ifMatch: string | undefined) {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const current = etagOf(item);
  const offered = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!offered.includes(current)) {
    throw new ApiError('precondition-failed', `The appointment changed since that version (its ETag is now ${current}); read it again.`);
  }
}

/** The version condition and increment every change carries. */
function versioned(item: Item) {
  const version = (item.version as number | undefined) ?? 1;
  return {
    condition: item.version === undefined ? 'attribute_not_exists(version)' : 'version = :version',
    values: { ...(item.version === undefined ? {} : { ':version': version }), ':next': version + 1 },
  };
}

/**
 * Runs one read–check–write. A cancelled transaction whose first item (the appointment's version
 * condition) failed means another change got in: with If-Match that is a 412, without it we read
 * again and retry.
 */
async function withOptimisticRetry(orgId: string, appointmentId: string, options: ChangeOptions, write: (item: Item) => Promise<{ updated: Item; related: Related }>): Promise<Changed> {
  for (let attempt = 1; ; attempt++) {
    const item = await readAppointmentItem(orgId, appointmentId);
    assertIfMatch(item, options.ifMatch);
    try {
      // The answer is built from what was read and written, never read again.
      const { updated, related } = await write(item);
      return { appointment: toAppointment(updated, related), etag: etagOf(updated) };
    } catch (error) {
      if (error instanceof ScheduleChanged) {
        if (attempt >= GUARD_ATTEMPTS) throw scheduleKeptChanging();
        await guardBackoff(attempt);
        continue;
      }
      const concurrent = error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
      if (!concurrent) throw error;
      if (options.ifMatch !== undefined) throw new ApiError('precondition-failed', 'The appointment changed while this change was being made; read it again.');
      if (attempt >= ATTEMPTS) throw new ApiError('unavailable', 'The appointment is being changed by several clients at once; retry shortly.');
    }
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
  return withOptimisticRetry(orgId, appointmentId, options, async (item) => {
    const from = item.status as AppointmentStatus;
    const problem = transitionProblem(from, change.status, item.start_utc as string, now);
    if (problem) throw problem;
    const entry: StatusChangeRecord = { at: nowIso(now), token_id: actor.tokenId, from, to: change.status, reason: change.reason ?? null };
    const { condition, values } = versioned(item);
    const releases = RELEASES_TIME.has(change.status) ? locksOf(orgId, item).map((l) => releaseLock(l, appointmentId)) : [];
    const audit = auditItem(orgId, actor, 'appointment.status', 'appointment', appointmentId, now);
    // What the answer shows of the patient, type, location, provider and chair is read alongside the write.
    const related = relatedOf(orgId, item);
    related.catch(() => {});
    await transactWrite([
      {
        Update: {
          TableName: tableName,
          Key: keys.appointment(orgId, appointmentId),
          UpdateExpression: 'SET #status = :to, version = :next, updated_at = :at, status_history = list_append(if_not_exists(status_history, :none), :entry)',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':to': change.status, ':at': entry.at, ':entry': [entry], ':none': [] },
        },
      },
      ...releases,
      // Last: index 0 stays the version condition withOptimisticRetry reads.
      audit,
    ], { witness: keyOfPut(audit) });
    return {
      updated: { ...item, status: change.status, version: values[':next'], status_history: [...((item.status_history as StatusChangeRecord[]) ?? []), entry] },
      related: await related,
    };
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
  return withOptimisticRetry(orgId, appointmentId, options, async (item) => {
    const status = item.status as AppointmentStatus;
    if (!EDITABLE.has(status)) {
      throw new ApiError('status-conflict', `An appointment that is ${status} can no longer be changed.`, { current_status: status });
    }
    const next = {
      appointment_type_uuid: patch.appointment_type_uuid ?? (item.appointment_type_uuid as string),
      provider_uuid: patch.provider_uuid ?? (item.provider_uuid as string),
      operatory_uuid: patch.operatory_uuid ?? (item.operatory_uuid as string),
    };
    const changed = new Set(Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined));
    const refs = await loadReferences(
      orgId,
      { patient_uuid: item.patient_uuid as string, location_uuid: item.location_uuid as string, ...next },
      changed,
    );

    const moves = patch.scheduled_start !== undefined || next.provider_uuid !== item.provider_uuid || next.operatory_uuid !== item.operatory_uuid;
    const set: Record<string, unknown> = { ...next, updated_at: nowIso(now) };
    let locks: { release: ReturnType<typeof releaseLock>[]; take: ReturnType<typeof takeLock>[] } = { release: [], take: [] };
    const guards: ReturnType<typeof bookingGuard>[] = [];
    if (moves) {
      const zone = item.time_zone as string;
      const times = patch.scheduled_start !== undefined
        ? { scheduled_start: patch.scheduled_start, scheduled_end: patch.scheduled_end! }
        : { scheduled_start: toWallClock(item.start_utc as string, zone), scheduled_end: toWallClock(item.end_utc as string, zone) };
      const window = planWindow(refs, times, now);
      assertScheduled(refs, window);
      const diff = lockDifference(locksOf(orgId, item), lockRefs(orgId, { providerId: next.provider_uuid, operatoryId: next.operatory_uuid, granules: window.granules }));
      const lockMinutes = lockGranuleMinutes(refs.org);
      locks = { release: diff.release.map((l) => releaseLock(l, appointmentId)), take: diff.take.map((l) => takeLock(l, appointmentId, lockMinutes)) };
      // Taking new time of a resource relies on its hours, time off and is_active as read: guard them.
      const inactive = [
        ...(diff.take.some((l) => l.resource === 'provider') && refs.provider.is_active !== true ? [{ path: 'body.provider_uuid', message: 'the provider is inactive' }] : []),
        ...(diff.take.some((l) => l.resource === 'operatory') && refs.operatory?.is_active !== true ? [{ path: 'body.operatory_uuid', message: 'the operatory is inactive' }] : []),
      ];
      if (inactive.length > 0) throw unprocessable('The appointment cannot take new time of an inactive provider or operatory.', inactive);
      if (diff.take.some((l) => l.resource === 'provider')) guards.push(bookingGuard(keys.provider(orgId, next.provider_uuid), refs.provider));
      if (diff.take.some((l) => l.resource === 'operatory') && refs.operatory) {
        guards.push(bookingGuard(keys.operatory(orgId, item.location_uuid as string, next.operatory_uuid), refs.operatory));
      }
      Object.assign(set, {
        start_utc: window.startUtc,
        end_utc: window.endUtc,
        [INDEXES.appointmentsByStart.sortKey]: keys.appointmentsByStart.sort(window.startUtc, appointmentId),
        [INDEXES.appointmentsByPatient.sortKey]: keys.appointmentsByPatient.sort(window.startUtc, appointmentId),
      });
    }
    const removeNotes = patch.notes === null;
    if (patch.notes !== undefined && patch.notes !== null) set.notes = patch.notes;

    const { condition, values } = versioned(item);
    const audit = auditItem(orgId, actor, 'appointment.update', 'appointment', appointmentId, now);
    const names = Object.fromEntries(Object.keys(set).map((k, i) => [`#f${i}`, k]));
    const setValues = Object.fromEntries(Object.keys(set).map((k, i) => [`:f${i}`, set[k]]));
    try {
      await transactWrite([
        {
          Update: {
            TableName: tableName,
            Key: keys.appointment(orgId, appointmentId),
            UpdateExpression: `SET ${Object.keys(set).map((_, i) => `#f${i} = :f${i}`).join(', ')}, version = :next${removeNotes ? ' REMOVE notes' : ''}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ...values, ...setValues },
          },
        },
        ...locks.release,
        ...locks.take,
        ...guards,
        // Last: index 0 stays the version condition withOptimisticRetry reads.
        audit,
      ], { witness: keyOfPut(audit) });
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') {
        const conflicts = conflictsOf(error);
        if (conflicts.length > 0) throw slotConflict(conflicts);
        // Only a guard failed: the provider's or chair's schedule changed since it was read.
        const guardsFrom = 1 + locks.release.length + locks.take.length;
        const failed = (error.CancellationReasons ?? []).map((r, i) => (r.Code === 'ConditionalCheckFailed' ? i : -1)).filter((i) => i >= 0);
        if (failed.length > 0 && failed.every((i) => i >= guardsFrom && i < guardsFrom + guards.length)) throw new ScheduleChanged();
      }
      throw error;
    }
    const updated: Item = { ...item, ...set, version: values[':next'] };
    if (removeNotes) delete updated.notes;
    return { updated, related: { patient: refs.patient, type: refs.type, location: refs.location, provider: refs.provider, operatory: refs.operatory! } };
  });
}
