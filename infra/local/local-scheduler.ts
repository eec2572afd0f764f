/**
 * Under `npm start`: the RetryScheduler as timers. Each retry is a timer (unref'd: it never keeps the
 * process alive) that runs `runRetry(job)` at `job.at`; the same job scheduled twice runs once. The
 * truth is in the table — the delivery item's state and next attempt — so at start the pending retries
 * are read back (`pendingRetries`) and armed again: a retry pending when `npm start` stopped still
 * happens after a restart (at once if it is already due).
 */
import type { RetryJob, RetryScheduler } from '#shared/webhooks/model.ts';

/** setTimeout's longest delay (about 24.8 days); a later job is re-armed when that fires. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export type LocalScheduler = RetryScheduler & {
  /** Arms the pending retries read from the table. */
  rearm: (jobs: readonly RetryJob[]) => Promise<void>;
  /** How many retries are armed. */
  readonly size: number;
  stop: () => void;
};

export function localScheduler(options: {
  run: (job: RetryJob) => Promise<void>;
  now?: () => number;
  /** One line for a failed retry (default: console.error); never item data. */
  log?: (line: string) => void;
}): LocalScheduler {
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.error(line));
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;

  const keyOf = (job: RetryJob) => `${job.org_id}/${job.delivery_uuid}/${job.attempt}`;

  function arm(job: RetryJob, key: string): void {
    const at = Date.parse(job.at);
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, (Number.isNaN(at) ? now() : at) - now()));
    const timer = setTimeout(() => {
      if (stopped) return;
      if (Date.parse(job.at) > now()) return arm(job, key);
      timers.delete(key);
      options.run(job).catch((error: unknown) => log(`Webhook retry ${job.delivery_uuid} attempt ${job.attempt} failed (${error instanceof Error ? error.name : 'error'})`));
    }, delay);
    timer.unref();
    timers.set(key, timer);
  }

  const scheduler: LocalScheduler = {
    async schedule(job) {
      const key = keyOf(job);
      if (stopped || timers.has(key)) return;
      arm(job, key);
    },
    async rearm(jobs) {
      for (const job of jobs) await scheduler.schedule(job);
    },
    get size() {
      return timers.size;
    },
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
  return scheduler;
}
