/**
 * When a failed delivery is tried again: at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 14 h, 20 h and 24 h — ten attempts over about three days — each delay with ±20 % jitter, so that
 * the retries of many deliveries that failed together (a receiver's outage) do not arrive together.
 * A receiver's `Retry-After` (429, 503) longer than the next delay is honoured, up to 24 h.
 */

/** The delay before each attempt, in seconds: the first is immediate. */
export const ATTEMPT_DELAYS_S = [0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600] as const;

/** Attempts in all; after the last one fails, the delivery has failed. */
export const MAX_ATTEMPTS = ATTEMPT_DELAYS_S.length;

/** The most a `Retry-After` may postpone an attempt. */
export const MAX_RETRY_AFTER_S = 24 * 3600;

/** The jitter, as a fraction of the delay either way. */
export const JITTER = 0.2;

/**
 * When the next attempt is due after `attemptsMade` attempts, the last of which just failed at
 * `now`; null when none is left. `random` (0 ≤ r < 1) is injectable for tests.
 */
export function nextAttemptAt(attemptsMade: number, now: Date, options: { retryAfterS?: number | null; random?: () => number } = {}): Date | null {
  if (attemptsMade >= MAX_ATTEMPTS) return null;
  const base = ATTEMPT_DELAYS_S[Math.max(attemptsMade, 1)]!;
  const jittered = base * (1 + (2 * (options.random ?? Math.random)() - 1) * JITTER);
  const asked = options.retryAfterS != null && options.retryAfterS > 0 ? Math.min(options.retryAfterS, MAX_RETRY_AFTER_S) : 0;
  const delayMs = Math.round(Math.max(jittered, asked) * 1000);
  return new Date(now.getTime() + delayMs);
}
