/**
 * The local RetryScheduler (infra/local/local-scheduler.ts) on a fake clock: a job runs at its time,
 * once however often it is scheduled, at once when already due (re-armed at start), never after stop.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { localScheduler } from '../../infra/local/local-scheduler.ts';
import type { RetryJob } from '#shared/webhooks/model.ts';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const job = (seconds: number, attempt = 2): RetryJob => ({ org_id: 'o', delivery_uuid: 'd', attempt, at: new Date(T0 + seconds * 1000).toISOString() });

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

describe('the local retry scheduler', () => {
  it('runs a job at its time, once, however often it is scheduled', async () => {
    const ran: RetryJob[] = [];
    const scheduler = localScheduler({ run: async (j) => void ran.push(j) });
    await scheduler.schedule(job(5));
    await scheduler.schedule(job(5));
    expect(scheduler.size).toBe(1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toEqual([job(5)]);
    expect(scheduler.size).toBe(0);
  });

  it('runs due jobs (re-armed at start) at once, and keeps a failure to one line without data', async () => {
    const lines: string[] = [];
    const ran: number[] = [];
    const scheduler = localScheduler({ run: async (j) => { ran.push(j.attempt); if (j.attempt === 3) throw new Error('boom'); }, log: (l) => lines.push(l) });
    await scheduler.rearm([job(-60, 2), job(-1, 3), job(300, 4)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual([2, 3]);
    expect(lines).toEqual(['Webhook retry d attempt 3 failed (Error)']);
    expect(scheduler.size).toBe(1);
  });

  it('runs nothing after stop', async () => {
    const ran: RetryJob[] = [];
    const scheduler = localScheduler({ run: async (j) => void ran.push(j) });
    await scheduler.schedule(job(1));
    scheduler.stop();
    await scheduler.schedule(job(2));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ran).toEqual([]);
  });
});
