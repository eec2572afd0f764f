/**
 * The EventBridge Scheduler request a retry becomes (shared/webhooks/eventbridge-scheduler.ts), and
 * how a second request for the same retry is taken; no call reaches AWS (a recording client).
 */
import { describe, expect, it } from 'vitest';
import { ConflictException, CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { createScheduleInput, eventBridgeScheduler, MIN_LEAD_S, scheduleAt, scheduleName, schedulerTargetFromEnv } from '#shared/webhooks/eventbridge-scheduler.ts';
import type { RetryJob } from '#shared/webhooks/model.ts';

const TARGET = { groupName: 'DentalBooking-dev-webhook-retries', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:DentalBooking-dev-webhook-retry', roleArn: 'arn:aws:iam::123456789012:role/scheduler' };
const UUID = '0b0e8a8e-3c39-4d51-9a43-6a1f1f3f2b7e';
const job = (at: string, attempt = 2): RetryJob => ({ org_id: 'org-1', delivery_uuid: UUID, attempt, at });
const NOW = new Date('2026-03-01T10:00:20.250Z');

describe('the schedule of a retry', () => {
  it('is named by the delivery and the attempt, within 64 characters', () => {
    expect(scheduleName(job('x', 10))).toBe(`${UUID}-10`);
    expect(scheduleName({ delivery_uuid: UUID, attempt: 123456 }).length).toBeLessThanOrEqual(64);
    expect(() => scheduleName({ delivery_uuid: 'a/b', attempt: 1 })).toThrow(/schedule name/);
    expect(() => scheduleName({ delivery_uuid: 'x'.repeat(64), attempt: 1 })).toThrow(/schedule name/);
  });

  it('fires at the job time (UTC, whole seconds rounded up) when it is a minute or more ahead', () => {
    expect(scheduleAt('2026-03-01T10:05:20.250Z', NOW)).toBe('at(2026-03-01T10:05:21)');
    expect(scheduleAt('2026-03-01T13:00:00+02:00', NOW)).toBe('at(2026-03-01T11:00:00)');
    expect(scheduleAt('2026-03-01T11:01:20.250Z', NOW)).toBe('at(2026-03-01T11:01:21)');
    expect(scheduleAt('2026-03-01T10:01:20.250Z', NOW)).toBe('at(2026-03-01T10:01:21)');
  });

  it(`moves a time less than a minute ahead (or past) to the next whole minute at least ${MIN_LEAD_S} s away`, () => {
    // The 5 s retry: 10:00:25 -> 10:01:00.
    expect(scheduleAt('2026-03-01T10:00:25.250Z', NOW)).toBe('at(2026-03-01T10:01:00)');
    expect(scheduleAt('2026-03-01T09:00:00Z', NOW)).toBe('at(2026-03-01T10:01:00)');
    // Too close to the next minute: the one after.
    expect(scheduleAt('2026-03-01T10:00:50Z', new Date('2026-03-01T10:00:50Z'))).toBe('at(2026-03-01T10:02:00)');
    expect(() => scheduleAt('soon', NOW)).toThrow(/Not a time/);
  });

  it('builds the whole CreateSchedule request: one-time, no flexible window, deletes itself, invokes the retry function with the job', () => {
    const input = createScheduleInput(job('2026-03-01T10:30:00.000Z'), TARGET, NOW);
    expect(input).toEqual({
      Name: `${UUID}-2`,
      GroupName: TARGET.groupName,
      ScheduleExpression: 'at(2026-03-01T10:30:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Description: 'Webhook delivery retry, attempt 2',
      Target: {
        Arn: TARGET.functionArn,
        RoleArn: TARGET.roleArn,
        Input: JSON.stringify({ org_id: 'org-1', delivery_uuid: UUID, attempt: 2, at: '2026-03-01T10:30:00.000Z' }),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
      },
    });
    expect(JSON.parse(input.Target!.Input!)).toEqual(job('2026-03-01T10:30:00.000Z'));
  });

  it('sends it; a ConflictException (the same name) means already scheduled; any other error is thrown', async () => {
    const sent: unknown[] = [];
    let fail: Error | undefined;
    const client = { send: async (command: unknown) => { sent.push(command); if (fail) throw fail; return {}; } };
    const scheduler = eventBridgeScheduler(TARGET, { client: client as never, now: () => NOW });
    await scheduler.schedule(job('2026-03-01T10:30:00.000Z'));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(CreateScheduleCommand);
    expect((sent[0] as CreateScheduleCommand).input).toEqual(createScheduleInput(job('2026-03-01T10:30:00.000Z'), TARGET, NOW));
    fail = new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} });
    await expect(scheduler.schedule(job('2026-03-01T10:30:00.000Z'))).resolves.toBeUndefined();
    fail = new Error('AccessDenied');
    await expect(scheduler.schedule(job('2026-03-01T10:30:00.000Z'))).rejects.toThrow('AccessDenied');
  });

  it('takes its target from the environment the stack sets, all three or none', () => {
    expect(schedulerTargetFromEnv({ RETRY_SCHEDULE_GROUP: 'g', RETRY_FUNCTION_ARN: 'f', RETRY_SCHEDULER_ROLE_ARN: 'r' })).toEqual({ groupName: 'g', functionArn: 'f', roleArn: 'r' });
    expect(() => schedulerTargetFromEnv({ RETRY_SCHEDULE_GROUP: 'g' })).toThrow(/must all be set/);
  });
});
