/**
 * One webhook attempt: a POST of the signed body to the checked address (address-guard.ts), and what
 * came of it as a status code and an error class — never the receiver's words.
 *
 * - The connection goes to the address that was checked (the `lookup` is pinned to it), while the
 *   Host header and the TLS server name stay the URL's host, so the certificate is still verified
 *   against the name.
 * - Redirects are not followed: a 3xx is a failure (`http_status`), like any non-2xx.
 * - 15 s in all (lookup, connect, TLS, the answer's headers), then `timeout`.
 * - The answer's body is read (at most 64 KiB, then the socket is dropped) and discarded: it is
 *   never stored or logged.
 * - 410 Gone says "never again" (`gone`); 429 and 503 may say when to come back (`Retry-After`).
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { resolveTarget, type Resolver, type Target } from './address-guard.ts';
import type { AttemptOutcome, ErrorClass } from './model.ts';

export const DEFAULT_TIMEOUT_MS = 15_000;
export const USER_AGENT = 'dental-booking-api-webhooks/1.0 (Standard Webhooks)';
/** How much of an answer's body is read before the connection is dropped. */
export const MAX_BODY_BYTES = 64 * 1024;

export type AttemptRequest = {
  url: string;
  /** The signature headers (signing.ts). */
  headers: Record<string, string>;
  /** The exact text that was signed. */
  body: string;
  /** Local mode only: http://127.0.0.1, localhost and [::1] are allowed. */
  allowLocalHttp: boolean;
  timeoutMs?: number;
  resolver?: Resolver;
  /** For an HTTP-date Retry-After (a fake clock in tests). */
  now?: () => Date;
};

/** Seconds a `Retry-After` asks for (delta-seconds or an HTTP date), or null if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP date names its month (`Wed, 21 Oct 2015 07:28:00 GMT`); a bare number that is not delta-seconds is not one.
  if (!/[a-z]{3}/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** The class of a request error (the outcome's, never its message): refused, reset, TLS and the rest are `connection`. */
export function errorClassOf(error: unknown): ErrorClass {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ETIMEDOUT') return 'timeout';
  return 'connection';
}

class AttemptTimeout extends Error {
  override name = 'AttemptTimeout';
}

/** Makes one attempt; never throws. */
export async function attemptDelivery(request: AttemptRequest): Promise<AttemptOutcome> {
  const started = performance.now();
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const latency = () => Math.round(performance.now() - started);
  const failure = (error_class: ErrorClass, status_code: number | null = null): AttemptOutcome => ({ ok: false, status_code, latency_ms: latency(), error_class, retry_after_s: null, gone: false });

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimeout()), timeoutMs);
  });
  deadline.catch(() => undefined);
  try {
    const target = await Promise.race([resolveTarget(request.url, { allowLocalHttp: request.allowLocalHttp, resolver: request.resolver }), deadline]);
    if (!target.ok) return failure(target.error_class);
    const answer = await post(target, request, deadline, started + timeoutMs);
    const latency_ms = Math.round(answer.at - started);
    if (answer.status >= 200 && answer.status < 300) return { ok: true, status_code: answer.status, latency_ms, error_class: null, retry_after_s: null, gone: false };
    const retryAfter = answer.status === 429 || answer.status === 503 ? parseRetryAfter(answer.retryAfter, (request.now ?? (() => new Date()))()) : null;
    return { ok: false, status_code: answer.status, latency_ms, error_class: 'http_status', retry_after_s: retryAfter, gone: answer.status === 410 };
  } catch (error) {
    return failure(error instanceof AttemptTimeout ? 'timeout' : errorClassOf(error));
  } finally {
    clearTimeout(timer);
  }
}

type Answer = { status: number; retryAfter: string | undefined; at: number };

/**
 * The POST itself, on a fresh connection to the checked address: resolves at the answer's headers,
 * rejects at the deadline. The body is then drained in the background, up to MAX_BODY_BYTES and
 * until `endsAt` (the attempt's own deadline), and the connection dropped.
 */
function post(target: Target, request: AttemptRequest, deadline: Promise<never>, endsAt: number): Promise<Answer> {
  const { url, host, address, family } = target;
  // Whatever name the socket asks for, it gets the checked address (with `all`, as autoSelectFamily asks).
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const secure = url.protocol === 'https:';
  return new Promise<Answer>((resolve, reject) => {
    const req = (secure ? https : http).request({
      protocol: url.protocol,
      hostname: host,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      lookup: pinned,
      agent: false,
      // The certificate is checked against the URL's name (an IP literal cannot be a server name).
      ...(secure && !isIP(host) ? { servername: host } : {}),
      headers: {
        ...request.headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(request.body)),
        'user-agent': USER_AGENT,
      },
    });
    deadline.catch((error: unknown) => {
      req.destroy();
      reject(error);
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const at = performance.now();
      const drop = () => res.destroy();
      const stop = setTimeout(drop, Math.max(1000, endsAt - at));
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_BODY_BYTES) drop();
      });
      res.on('error', () => undefined);
      res.on('close', () => clearTimeout(stop));
      const retryAfter = res.headers['retry-after'];
      resolve({ status: res.statusCode ?? 0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, at });
    });
    req.end(request.body);
  });
}
