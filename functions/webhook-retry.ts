/**
 * Not a route: one webhook retry in AWS, invoked by the one-time EventBridge Scheduler schedule the
 * dispatcher created for it (shared/webhooks/eventbridge-scheduler.ts) with the RetryJob as its
 * event. A later retry is scheduled the same way.
 */
import type { RetryJob } from '#shared/webhooks/model.ts';
import { runRetry } from '#shared/webhooks/dispatcher.ts';
import { eventBridgeScheduler, schedulerTargetFromEnv } from '#shared/webhooks/eventbridge-scheduler.ts';

const scheduler = eventBridgeScheduler(schedulerTargetFromEnv());

export const handler = async (event: unknown): Promise<void> => {
  await runRetry(retryJobOf(event), { now: () => new Date(), scheduler, allowLocalHttp: false });
};

/** The schedule's input, checked: only a well-formed job is run (anything else fails, and is not retried into a loop). */
export function retryJobOf(event: unknown): RetryJob {
  const job = event as Partial<RetryJob> | null;
  if (
    !job ||
    typeof job.org_id !== 'string' ||
    typeof job.delivery_uuid !== 'string' ||
    typeof job.at !== 'string' ||
    !Number.isInteger(job.attempt)
  ) {
    throw new Error('Not a retry job');
  }
  return { org_id: job.org_id, delivery_uuid: job.delivery_uuid, attempt: job.attempt!, at: job.at };
}
