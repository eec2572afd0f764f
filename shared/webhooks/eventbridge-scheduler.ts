/**
 * The RetryScheduler in AWS: one EventBridge Scheduler one-time schedule per retry, in the stack's own
 * schedule group, that invokes the retry function with the RetryJob and then deletes itself. Nothing
 * runs, and nothing is paid, while no retry is due.
 *
 * Scheduler's granularity is a minute: a schedule fires within the minute of its `at(...)` time, and
 * a time less than a minute ahead is moved to the next whole minute at least MIN_LEAD_S away. So in
 * AWS the first retry (5 s after the first attempt) happens within about a minute, and the later ones
 * (minutes to hours) at their time, give or take a minute.
 *
 * Scheduling the same job twice is harmless: the schedule's name is the delivery's uuid and the
 * attempt, so the second CreateSchedule fails with ConflictException, which means "already scheduled".
 */
import { ConflictException, CreateScheduleCommand, SchedulerClient, type CreateScheduleCommandInput } from '@aws-sdk/client-scheduler';
import type { RetryJob, RetryScheduler } from './model.ts';

/** Where the schedules go and what they invoke (from the retry function's environment in AWS). */
export type SchedulerTarget = {
  /** The stack's schedule group. */
  groupName: string;
  /** The retry function. */
  functionArn: string;
  /** The role Scheduler assumes to invoke it. */
  roleArn: string;
};

/** The environment variables the dispatch and retry functions get from the stack. */
export const SCHEDULER_ENV = {
  group: 'RETRY_SCHEDULE_GROUP',
  functionArn: 'RETRY_FUNCTION_ARN',
  roleArn: 'RETRY_SCHEDULER_ROLE_ARN',
} as const;

/** A schedule this close (or closer) is moved to a later whole minute (see the module comment). */
export const MIN_LEAD_S = 15;
const MINUTE_MS = 60_000;

/** Schedule names: at most 64 characters of [0-9a-zA-Z-_.]. */
export function scheduleName(job: Pick<RetryJob, 'delivery_uuid' | 'attempt'>): string {
  const name = `${job.delivery_uuid}-${job.attempt}`;
  if (!/^[0-9a-zA-Z\-_.]{1,64}$/.test(name)) throw new Error(`Not a schedule name: ${JSON.stringify(name)}`);
  return name;
}

/**
 * When the schedule fires, as Scheduler's `at(YYYY-MM-DDThh:mm:ss)` (UTC): the job's time, whole
 * seconds rounded up; a time in the past or less than a minute ahead becomes the next whole minute at
 * least MIN_LEAD_S from now.
 */
export function scheduleAt(at: string, now: Date): string {
  const wanted = Date.parse(at);
  if (Number.isNaN(wanted)) throw new Error(`Not a time: ${JSON.stringify(at)}`);
  const nowMs = now.getTime();
  const fireMs = wanted - nowMs >= MINUTE_MS ? Math.ceil(wanted / 1000) * 1000 : Math.ceil((nowMs + MIN_LEAD_S * 1000) / MINUTE_MS) * MINUTE_MS;
  return `at(${new Date(fireMs).toISOString().slice(0, 19)})`;
}

/** The CreateSchedule request for one retry (pure: what the tests check). */
export function createScheduleInput(job: RetryJob, target: SchedulerTarget, now: Date): CreateScheduleCommandInput {
  return {
    Name: scheduleName(job),
    GroupName: target.groupName,
    ScheduleExpression: scheduleAt(job.at, now),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Description: `Webhook delivery retry, attempt ${job.attempt}`,
    Target: {
      Arn: target.functionArn,
      RoleArn: target.roleArn,
      // The event the retry function gets: only ids and a time, no event data.
      Input: JSON.stringify({ org_id: job.org_id, delivery_uuid: job.delivery_uuid, attempt: job.attempt, at: job.at } satisfies RetryJob),
      // Scheduler retries a failed invocation (throttling) for up to an hour; the delivery item keeps
      // the retry's state, so a late run finds it as it was.
      RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
    },
  };
}

/** The target from the function's environment (set by infra/constructs/webhooks.ts). */
export function schedulerTargetFromEnv(env: NodeJS.ProcessEnv = process.env): SchedulerTarget {
  const groupName = env[SCHEDULER_ENV.group];
  const functionArn = env[SCHEDULER_ENV.functionArn];
  const roleArn = env[SCHEDULER_ENV.roleArn];
  if (!groupName || !functionArn || !roleArn) throw new Error(`${Object.values(SCHEDULER_ENV).join(', ')} must all be set`);
  return { groupName, functionArn, roleArn };
}

/** A RetryScheduler that creates one-time EventBridge schedules. */
export function eventBridgeScheduler(
  target: SchedulerTarget,
  options: { client?: Pick<SchedulerClient, 'send'>; now?: () => Date } = {},
): RetryScheduler {
  const client = options.client ?? new SchedulerClient({});
  const now = options.now ?? (() => new Date());
  return {
    async schedule(job) {
      try {
        await client.send(new CreateScheduleCommand(createScheduleInput(job, target, now())));
      } catch (error) {
        // The same name: this retry is already scheduled.
        if (error instanceof ConflictException) return;
        throw error;
      }
    },
  };
}
