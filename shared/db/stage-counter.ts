/**
 * Counts DynamoDB round trips a piece of work makes, as calls and as sequential stages: a call's
 * stage is one more than the highest stage of the calls that had finished before it started, so
 * calls sent together (one Promise.all) share a stage and a call that may have waited for another's
 * answer is a later one (never fewer stages than the real chain of waits). Used by the
 * stage-count tests and by `npm run bench`; an SDK middleware on the document client, so it sees
 * every call the code makes (retries by the SDK are inside one call).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type StageCount = { calls: Record<string, number>; stages: number };

export type StageCounter = {
  /** Runs `work` and returns what it cost. Runs must not overlap (the counter is per client). */
  measure<T>(work: () => Promise<T>): Promise<{ result: T; count: StageCount }>;
  remove(): void;
};

let counter = 0;

export function countStages(db: DynamoDBDocumentClient): StageCounter {
  let current: StageCount | undefined;
  let finishedMax = 0;
  const name = `countStages-${++counter}`;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      if (!current) return next(args);
      const tally = current;
      const stage = finishedMax + 1;
      tally.stages = Math.max(tally.stages, stage);
      const command = context.commandName ?? 'unknown';
      tally.calls[command] = (tally.calls[command] ?? 0) + 1;
      try {
        return await next(args);
      } finally {
        finishedMax = Math.max(finishedMax, stage);
      }
    },
    { step: 'initialize', name, override: true },
  );
  return {
    async measure(work) {
      current = { calls: {}, stages: 0 };
      finishedMax = 0;
      try {
        const result = await work();
        return { result, count: current };
      } finally {
        current = undefined;
      }
    },
    remove: () => {
      db.middlewareStack.remove(name);
    },
  };
}
