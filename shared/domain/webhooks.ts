/**
 * Webhook endpoints, as their admin routes keep them: create (its `whsec_` secret shown once, stored
 * sealed), list, read, change, delete, rotate the secret, send a test event, read the delivery log,
 * and ask for a delivery to be tried again. The sending itself is the dispatcher's
 * (shared/webhooks/): these functions only write what it reacts to — an event item, a delivery
 * whose `state` is `requested` — and the endpoint items it reads.
 *
 * - At most MAX_WEBHOOK_ENDPOINTS endpoints per organisation: a count on the org item goes up in the
 *   transaction that puts an endpoint (conditioned on being below the limit) and down in the one
 *   that deletes it, so creates racing for the last place cannot overshoot. The org item, not an
 *   item of its own: every organisation has it, and its condition also proves the organisation.
 * - Changes of an endpoint (PATCH, rotation) put its next version on condition that it is still the
 *   version read: the dispatcher's own changes (disabling a failing endpoint) are never lost, and
 *   with `If-Match` a change made in between is a 412.
 * - The URL is checked as text only, never resolved here: the sender checks the address it resolves
 *   to at every attempt. What the text alone shows is refused at once (422): not https (in AWS),
 *   credentials, a fragment, or an IP literal or name that is loopback, private or link-local.
 *
 * Nothing here is patient data; no audit entries (the admin setup routes keep none either).
 */
import { randomUUID } from 'node:crypto';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { keyOfPut, namedTransaction, type TransactItem } from '../db/operations.ts';
import { readMany } from '../db/refs.ts';
import { again, withRetries } from '../db/retry.ts';
import { nowIso } from '../db/timestamps.ts';
import { keys } from '../db/keys.ts';
import {
  attemptExpired,
  countOneLessEndpoint,
  countOneMoreEndpoint,
  deleteEndpointItem,
  endpointActiveCheck,
  endpointRef,
  latestAttempts,
  listEndpointRecords,
  putNewEndpoint,
  replaceEndpoint,
  requestDeliveryRetry,
} from '../db/repositories/webhooks.ts';
import { ApiError, notFound, unprocessable, type FieldError } from '../errors.ts';
import {
  MAX_WEBHOOK_ENDPOINTS,
  type CreatedWebhookEndpoint,
  type CreateWebhookInput,
  type DeliveryAttempt,
  type UpdateWebhookInput,
  type WebhookEndpoint,
} from '../schemas/webhooks.ts';
import { isKnownPattern } from '../webhooks/event-types.ts';
import type { AttemptRecord, StoredSecret, WebhookEndpointRecord } from '../webhooks/model.ts';
import { newWebhookSecret, sealSecret, openSecret } from '../webhooks/secret-box.ts';
import { eventItem, toEventRecord } from './events.ts';
import { recall, rememberAnswer, rememberProblem, type IdempotencyRequest } from './idempotency.ts';
import { GUARD_ATTEMPTS, guardBackoff } from './schedule-guard.ts';

/** After a rotation the previous secret keeps signing, beside the new one, this long. */
export const PREVIOUS_SECRET_HOURS = 24;
/** Secrets an endpoint keeps at most (the current one and earlier ones still signing): rotating again and again cannot grow it. */
export const MAX_SECRETS = 3;
/** Read–check–write attempts of a change that lost a race (without If-Match). */
const CHANGE_ATTEMPTS = 3;
/** The endpoints a list reads at most: the limit, with room to spare (the count keeps them to the limit). */
const LIST_BOUND = MAX_WEBHOOK_ENDPOINTS * 2;

// ---- the URL --------------------------------------------------------------------------------

/**
 * Local mode (`WEBHOOKS_ALLOW_LOCAL_HTTP=true`: `npm start` and the tests, never a stage in AWS):
 * the receivers run on this machine, so `http://` and loopback hosts are allowed.
 */
export const localTargetsAllowed = () => process.env.WEBHOOKS_ALLOW_LOCAL_HTTP === 'true';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Addresses no webhook may target: this host, private networks, link-local (the instance metadata service), and the unroutable. */
const FORBIDDEN = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
] as const) {
  FORBIDDEN.addSubnet(net, bits, 'ipv6');
}

/** The IPv4 address an IPv4-mapped IPv6 one (`::ffff:7f00:1`) stands for, if it is one. */
function mappedIPv4(ipv6: string): string | undefined {
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ipv6) ?? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ipv6);
  if (!m) return undefined;
  if (m[2] === undefined) return m[1];
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2], 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

type HostKind = 'loopback' | 'forbidden' | 'public';

/** Pure: what a URL's host is, by its text (the URL parser has already made IPv4 forms dotted and IPv6 ones compressed). */
export function hostKind(hostname: string): HostKind {
  const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  const v4 = isIPv4(host) ? host : isIPv6(host) ? mappedIPv4(host) : undefined;
  if (v4 !== undefined) return LOOPBACK.check(v4, 'ipv4') ? 'loopback' : FORBIDDEN.check(v4, 'ipv4') ? 'forbidden' : 'public';
  if (isIPv6(host)) return LOOPBACK.check(host, 'ipv6') ? 'loopback' : FORBIDDEN.check(host, 'ipv6') ? 'forbidden' : 'public';
  return 'public';
}

/**
 * Pure: the URL as it is stored (the parser's normal form), or why it cannot be a webhook target.
 * `local`: loopback hosts and `http://` to them are allowed (local mode).
 */
export function checkWebhookUrl(text: string, local: boolean): { url: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'must be an absolute URL such as https://hooks.example.com/dental' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: 'must be an https:// URL' };
  if (url.username !== '' || url.password !== '') return { problem: 'must not contain a user name or password (put credentials in the path or verify the signature instead)' };
  if (text.includes('#')) return { problem: 'must not have a #fragment (it is never sent)' };
  const kind = hostKind(url.hostname);
  if (kind === 'forbidden') return { problem: 'must not name a loopback, private, link-local or otherwise unroutable address' };
  if (kind === 'loopback' && !local) return { problem: 'must not name this host (localhost or a loopback address)' };
  if (url.protocol === 'http:' && !(local && kind === 'loopback')) {
    return { problem: local ? 'must be an https:// URL (http:// only to 127.0.0.1, localhost or [::1] under npm start)' : 'must be an https:// URL' };
  }
  return { url: url.href };
}

/** Pure: the 422 of a body's URL and event types, or nothing. */
export function targetProblems(input: { url?: string; event_types?: readonly string[] }, local: boolean): FieldError[] {
  const errors: FieldError[] = [];
  if (input.url !== undefined) {
    const checked = checkWebhookUrl(input.url, local);
    if ('problem' in checked) errors.push({ path: 'body.url', message: checked.problem });
  }
  (input.event_types ?? []).forEach((pattern, i) => {
    if (!isKnownPattern(pattern)) errors.push({ path: `body.event_types.${i}`, message: 'names no known event type' });
  });
  return errors;
}

function assertTarget(input: { url?: string; event_types?: readonly string[] }): void {
  const errors = targetProblems(input, localTargetsAllowed());
  if (errors.length > 0) throw unprocessable('The endpoint cannot be used as given.', errors);
}

/** The stored form of a URL that passed `assertTarget`. */
const normalUrl = (text: string) => {
  const checked = checkWebhookUrl(text, localTargetsAllowed());
  return 'url' in checked ? checked.url : text;
};

/** Event types in the order given, each once. */
const distinct = (patterns: readonly string[]) => [...new Set(patterns)];

// ---- what an endpoint shows ---------------------------------------------------------------------

/** A strong ETag of an endpoint version (every write, the dispatcher's too, makes a new one). */
export const endpointEtag = (record: WebhookEndpointRecord) => `"${record.version}"`;

/** Pure: an endpoint as the API shows it — never a secret, sealed or not. */
export function toWebhookEndpoint(record: WebhookEndpointRecord, now: Date = new Date()): WebhookEndpoint {
  const [current, ...earlier] = record.secrets;
  const stillSigning = earlier.map((s) => s.expires_at).filter((at): at is string => at !== null && Date.parse(at) > now.getTime());
  return {
    uuid: record.uuid,
    url: record.url,
    event_types: record.event_types,
    description: record.description,
    active: record.active,
    disabled_reason: record.disabled_reason,
    disabled_at: record.disabled_at,
    failing_since: record.failing_since,
    // Rotated: an earlier secret is kept beside it (until the next rotation), or it is younger than the endpoint.
    secret_rotated_at: current && (earlier.length > 0 || current.created_at !== record.created_at) ? current.created_at : null,
    previous_secret_expires_at: stillSigning.length > 0 ? stillSigning.sort().at(-1)! : null,
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}

const noEndpoint = (endpointId: string) => notFound(`No webhook endpoint ${endpointId} in this organisation.`);
const tooMany = () =>
  unprocessable(`An organisation has at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one first (one endpoint can subscribe to many event types).`, [
    { path: 'body', message: `at most ${MAX_WEBHOOK_ENDPOINTS} endpoints per organisation` },
  ]);
const keptChanging = () => new ApiError('unavailable', 'The webhook endpoints kept changing while this request was made; retry it.');

/** `If-Match`: `*`, or a list of ETags one of which must be the current one. */
function assertIfMatch(record: WebhookEndpointRecord, ifMatch: string | undefined) {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const current = endpointEtag(record);
  const offered = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!offered.includes(current)) throw new ApiError('precondition-failed', `The webhook endpoint changed since that version (its ETag is now ${current}); read it again.`);
}

// ---- create ------------------------------------------------------------------------------------

/** What an Idempotency-Key remembers of a create: the answer, its secret sealed (a record is no place for a secret in clear). */
type RememberedCreate = { endpoint: WebhookEndpoint; sealed_secret: string };

export type CreatedWebhook = { endpoint: CreatedWebhookEndpoint; etag: string };

async function replayed(first: RememberedCreate): Promise<CreatedWebhook> {
  return { endpoint: { ...first.endpoint, secret: await openSecret(first.sealed_secret) }, etag: '"1"' };
}

/**
 * Creates an endpoint and its secret: one transaction of the endpoint, the org's count of endpoints
 * (422 past the limit) and, with an Idempotency-Key, the record of the answer.
 */
export async function createWebhook(
  orgId: string,
  input: CreateWebhookInput,
  options: { idempotency?: IdempotencyRequest; endpointId?: string } = {},
): Promise<CreatedWebhook> {
  const { idempotency, endpointId = randomUUID() } = options;
  assertTarget(input);
  const secret = newWebhookSecret();
  const [first, sealed] = await Promise.all([recall<RememberedCreate>(orgId, idempotency), sealSecret(secret)]);
  if (first) return replayed(first);
  return withRetries({ attempts: GUARD_ATTEMPTS, pause: guardBackoff, exhausted: keptChanging }, async () => {
    const now = nowIso();
    const record: WebhookEndpointRecord = {
      ...keys.webhookEndpoint(orgId, endpointId),
      entity: 'webhook-endpoint',
      uuid: endpointId,
      org_id: orgId,
      url: normalUrl(input.url),
      event_types: distinct(input.event_types),
      description: input.description ?? null,
      active: true,
      disabled_reason: null,
      disabled_at: null,
      failing_since: null,
      secrets: [{ sealed, created_at: now, expires_at: null }],
      version: 1,
      created_at: now,
      updated_at: now,
    };
    const endpoint = toWebhookEndpoint(record);
    const put = putNewEndpoint(record);
    const tx = namedTransaction([
      ...(idempotency ? [['idempotency', rememberAnswer(orgId, idempotency, { endpoint, sealed_secret: sealed } satisfies RememberedCreate)] as const] : []),
      ['endpoint', put] as const,
      ['count', countOneMoreEndpoint(orgId, MAX_WEBHOOK_ENDPOINTS)] as const,
    ]);
    try {
      await tx.commit({ witness: keyOfPut(put) });
    } catch (error) {
      const cancelled = tx.cancellation(error);
      if (!cancelled) throw error;
      if (idempotency && cancelled.failed.has('idempotency')) {
        const winner = await recall<RememberedCreate>(orgId, idempotency);
        if (winner) return replayed(winner);
      }
      if (cancelled.failed.has('endpoint')) throw unprocessable('A webhook endpoint with this uuid already exists.');
      if (cancelled.failed.has('count')) {
        const problem = tooMany();
        await rememberProblem(orgId, idempotency, problem);
        throw problem;
      }
      // Cancelled only by other transactions on the count (a burst of creates): nothing was written.
      if (cancelled.failed.size === 0) return again();
      throw error;
    }
    return { endpoint: { ...endpoint, secret }, etag: endpointEtag(record) };
  });
}

// ---- read ----------------------------------------------------------------------------------

/** Every endpoint of the organisation (at most the limit), oldest first. */
export async function listWebhooks(orgId: string): Promise<{ items: WebhookEndpoint[]; total: number }> {
  const now = new Date();
  const records = await listEndpointRecords(orgId, LIST_BOUND);
  const items = records.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.uuid.localeCompare(b.uuid)).map((r) => toWebhookEndpoint(r, now));
  return { items, total: items.length };
}

async function readEndpoint(orgId: string, endpointId: string): Promise<WebhookEndpointRecord> {
  // A batch read of one key: the token's lookup rides in it (request-gate.ts).
  const { endpoint } = await readMany({ endpoint: endpointRef(orgId, endpointId) });
  if (!endpoint) throw noEndpoint(endpointId);
  return endpoint;
}

export async function getWebhook(orgId: string, endpointId: string): Promise<{ endpoint: WebhookEndpoint; etag: string }> {
  const record = await readEndpoint(orgId, endpointId);
  return { endpoint: toWebhookEndpoint(record), etag: endpointEtag(record) };
}

// ---- change ------------------------------------------------------------------------------------

/**
 * Pure: the endpoint after a change. `active: true` clears why the system had disabled it;
 * `active: false` by a person records when, with no reason; a new URL starts its failure clock
 * afresh (the old URL's failures say nothing of the new one).
 */
export function planEndpointChange(record: WebhookEndpointRecord, changes: UpdateWebhookInput & { url?: string }, now: string): WebhookEndpointRecord {
  const next: WebhookEndpointRecord = {
    ...record,
    ...(changes.url !== undefined ? { url: changes.url } : {}),
    ...(changes.event_types !== undefined ? { event_types: distinct(changes.event_types) } : {}),
    ...(changes.description !== undefined ? { description: changes.description } : {}),
    version: record.version + 1,
    updated_at: now,
  };
  if (changes.url !== undefined && changes.url !== record.url) next.failing_since = null;
  if (changes.active === true) Object.assign(next, { active: true, disabled_reason: null, disabled_at: null, failing_since: null });
  if (changes.active === false && record.active) Object.assign(next, { active: false, disabled_reason: null, disabled_at: now });
  return next;
}

/**
 * Changes an endpoint (url, event types, description, active): its next version, put on condition
 * that it is still the one read. With If-Match a stale version is a 412; without, a lost race (the
 * dispatcher disabling it meanwhile, say) is read and tried again.
 */
export async function updateWebhook(
  orgId: string,
  endpointId: string,
  changes: UpdateWebhookInput,
  options: { ifMatch?: string } = {},
): Promise<{ endpoint: WebhookEndpoint; etag: string }> {
  assertTarget(changes);
  const url = changes.url === undefined ? undefined : normalUrl(changes.url);
  return withRetries({ attempts: CHANGE_ATTEMPTS, exhausted: keptChanging }, async () => {
    const record = await readEndpoint(orgId, endpointId);
    assertIfMatch(record, options.ifMatch);
    const next = planEndpointChange(record, { ...changes, url }, nowIso());
    if (!(await replaceEndpoint(next, record.version))) {
      if (options.ifMatch !== undefined) throw new ApiError('precondition-failed', 'The webhook endpoint changed while this change was being made; read it again.');
      return again({ pause: false });
    }
    return { endpoint: toWebhookEndpoint(next), etag: endpointEtag(next) };
  });
}

/** Deletes an endpoint and counts it off, in one transaction. Its delivery log stays until it expires. */
export async function deleteWebhook(orgId: string, endpointId: string): Promise<void> {
  const remove = deleteEndpointItem(orgId, endpointId);
  const tx = namedTransaction([
    ['endpoint', remove],
    ['count', countOneLessEndpoint(orgId)],
  ]);
  try {
    await tx.commit();
  } catch (error) {
    const cancelled = tx.cancellation(error);
    if (!cancelled) throw error;
    if (cancelled.failed.has('endpoint')) throw noEndpoint(endpointId);
    throw error;
  }
}

// ---- secrets -----------------------------------------------------------------------------------

/**
 * Pure: an endpoint's secrets after a rotation: the new one first; the one that was current keeps
 * signing until `now` + 24 h; earlier ones until their own expiry; expired ones are dropped, and no
 * more than MAX_SECRETS are kept (the oldest go first).
 */
export function rotatedSecrets(secrets: readonly StoredSecret[], sealed: string, now: Date): { secrets: StoredSecret[]; previousExpiresAt: string } {
  const previousExpiresAt = nowIso(new Date(now.getTime() + PREVIOUS_SECRET_HOURS * 3600_000));
  const kept = secrets
    .map((s) => (s.expires_at === null ? { ...s, expires_at: previousExpiresAt } : s))
    .filter((s) => s.expires_at !== null && Date.parse(s.expires_at) > now.getTime());
  return { secrets: [{ sealed, created_at: nowIso(now), expires_at: null }, ...kept].slice(0, MAX_SECRETS), previousExpiresAt };
}

/** A new secret for an endpoint (shown once); the previous one keeps signing beside it for 24 hours. */
export async function rotateWebhookSecret(orgId: string, endpointId: string): Promise<{ secret: string; previous_secret_expires_at: string }> {
  const secret = newWebhookSecret();
  const [sealed, record] = await Promise.all([sealSecret(secret), readEndpoint(orgId, endpointId)]);
  return withRetries({ attempts: CHANGE_ATTEMPTS, exhausted: keptChanging }, async (attempt) => {
    const current = attempt === 1 ? record : await readEndpoint(orgId, endpointId);
    const now = new Date();
    const { secrets, previousExpiresAt } = rotatedSecrets(current.secrets, sealed, now);
    const next: WebhookEndpointRecord = { ...current, secrets, version: current.version + 1, updated_at: nowIso(now) };
    if (!(await replaceEndpoint(next, current.version))) return again({ pause: false });
    return { secret, previous_secret_expires_at: previousExpiresAt };
  });
}

// ---- test event, delivery log, retry -------------------------------------------------------------

/**
 * Sends a `webhook.test` event to one endpoint: one transaction of the event item (delivered to that
 * endpoint only) and a check that the endpoint exists (404) and is active (409).
 */
export async function sendTestEvent(orgId: string, endpointId: string): Promise<{ event_id: string }> {
  const put = eventItem(orgId, { type: 'webhook.test', data: { endpoint_uuid: endpointId }, only_endpoint: endpointId });
  const event = toEventRecord(put.Put?.Item);
  if (!event) throw new Error('eventItem made no event item');
  const tx = namedTransaction<'endpoint' | 'event'>([
    ['endpoint', endpointActiveCheck(orgId, endpointId)],
    ['event', put],
  ] satisfies (readonly ['endpoint' | 'event', TransactItem])[]);
  try {
    await tx.commit({ witness: keyOfPut(put) });
  } catch (error) {
    const cancelled = tx.cancellation(error);
    if (!cancelled) throw error;
    const failure = cancelled.failures.find((f) => f.name === 'endpoint');
    if (failure && !failure.item) throw noEndpoint(endpointId);
    if (failure) throw new ApiError('state-conflict', 'The webhook endpoint is inactive: activate it (PATCH active: true) to send it a test event.');
    throw error;
  }
  return { event_id: event.event_id };
}

export const toDeliveryAttempt = (a: AttemptRecord): DeliveryAttempt => ({
  delivery_uuid: a.delivery_uuid,
  event_id: a.event_id,
  event_type: a.event_type,
  attempt: a.attempt,
  at: a.at,
  status_code: a.status_code,
  latency_ms: a.latency_ms,
  error_class: a.error_class,
  next_attempt_at: a.next_attempt_at,
});

/**
 * One page of an endpoint's delivery log, newest first: the endpoint's read and the log's Query
 * sent together, reading at most the attempts up to the end of the page (and one more, to tell
 * whether there is another page). A deleted endpoint's log stays readable until it expires.
 */
export async function listDeliveries(
  orgId: string,
  endpointId: string,
  query: { page: number; page_size: number },
  now: Date = new Date(),
): Promise<{ items: DeliveryAttempt[]; page: number; page_size: number; has_more: boolean }> {
  const end = query.page * query.page_size;
  const [{ endpoint }, attempts] = await Promise.all([readMany({ endpoint: endpointRef(orgId, endpointId) }), latestAttempts(orgId, endpointId, end + 1)]);
  if (!endpoint && attempts.length === 0) throw noEndpoint(endpointId);
  const epoch = Math.floor(now.getTime() / 1000);
  const live = attempts.filter((a) => !attemptExpired(a, epoch));
  return { items: live.slice(end - query.page_size, end).map(toDeliveryAttempt), page: query.page, page_size: query.page_size, has_more: live.length > end };
}

/**
 * Asks for a delivery to be attempted again now, whatever became of it (a delivered one is sent
 * again when asked): its state becomes `requested`, which the dispatcher acts on. 404 when there is
 * no such delivery; 409 when a retry is already requested and not yet made.
 */
export async function retryDelivery(orgId: string, deliveryId: string): Promise<{ delivery_uuid: string; state: 'requested' }> {
  const outcome = await requestDeliveryRetry(orgId, deliveryId, nowIso());
  if (!outcome.requested) {
    if (!outcome.current) throw notFound(`No webhook delivery ${deliveryId} in this organisation.`);
    throw new ApiError('state-conflict', 'A retry of this delivery is already requested and not yet made.');
  }
  return { delivery_uuid: deliveryId, state: 'requested' };
}
