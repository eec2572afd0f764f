/**
 * The one retry loop of read–decide–write work whose write can fail because something changed in
 * between (a schedule guard, a version or code condition): bounded attempts, an optional pause
 * between them. An attempt returns its result, or `again()` to be read and tried once more.
 */
const AGAIN: unique symbol = Symbol('again');

export type Again = { readonly [AGAIN]: true; readonly pause: boolean };

/** Try once more; `pause: false` skips the pause (a plain lost race rather than a busy resource). */
export const again = (options: { pause?: boolean } = {}): Again => ({ [AGAIN]: true, pause: options.pause ?? true });

const isAgain = (value: unknown): value is Again => typeof value === 'object' && value !== null && AGAIN in value;

export type RetryPolicy = {
  attempts: number;
  /** The pause after failed attempt `n` (1-based), before attempt n + 1. */
  pause?: (attempt: number) => Promise<void>;
  /** What to throw once every attempt asked for another. */
  exhausted: () => Error;
};

export async function withRetries<T>(policy: RetryPolicy, attempt: (n: number) => Promise<T | Again>): Promise<T> {
  for (let n = 1; ; n++) {
    const out = await attempt(n);
    if (!isAgain(out)) return out;
    if (n >= policy.attempts) throw policy.exhausted();
    if (out.pause && policy.pause) await policy.pause(n);
  }
}
