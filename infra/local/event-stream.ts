/**
 * Under `npm start`: the table's stream, read from DynamoDB Local as the Lambda event source reads it
 * in AWS, feeding the same dispatcher. Records of every shard are read in order (DescribeStream ->
 * GetShardIterator -> GetRecords, following NextShardIterator), every POLL_MS; the shared filter
 * (shared/webhooks/stream-filter.ts) keeps event items and requested deliveries, whose new images go
 * to `onItems` one batch at a time.
 *
 * Reading starts at the end of the stream (LATEST) of the shards open at start: what was written
 * while `npm start` was stopped is not sent again (a pending retry is: infra/local/local-scheduler.ts
 * re-arms it from the table). Shards that appear later (DynamoDB rolls shards over) are read from
 * their start; a closed shard is read to its end and dropped. If DynamoDB Local restarts (supervised
 * by start.ts), reading resumes from the end of the shards it then has. One line per error (its
 * name), never item data.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isDispatchRecord } from '#shared/webhooks/stream-filter.ts';

/** How often the stream is read (DynamoDB Local answers at once when there is nothing). */
export const POLL_MS = 300;
/** How often the shard list is read again, to find new shards. */
const DESCRIBE_EVERY_MS = 3_000;
/** Records per GetRecords call (bounded work per poll). */
const RECORDS_PER_CALL = 100;

export type EventStreamOptions = {
  client: DynamoDBClient;
  endpoint: string;
  region: string;
  tableName: string;
  /** The dispatcher: called with the new images of matching records, in stream order. */
  onItems: (items: Record<string, unknown>[]) => Promise<void>;
  /** One line for each error (default: console.error). */
  log?: (line: string) => void;
};

export type EventStream = { stop: () => Promise<void> };

type ShardState = { iterator: string | undefined; lastSequence: string | undefined };

export async function startEventStream(options: EventStreamOptions): Promise<EventStream> {
  const log = options.log ?? ((line: string) => console.error(line));
  const streams = new DynamoDBStreamsClient({
    region: options.region,
    endpoint: options.endpoint,
    // DynamoDB Local accepts any credentials; fixed ones keep a developer's real keys out of it.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  });

  let streamArn: string | undefined;
  const shards = new Map<string, ShardState>();
  /** Shards read to their end (closed): never read again. */
  const finished = new Set<string>();
  let lastDescribe = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let lastError = '';

  const report = (what: string, error: unknown) => {
    const line = `Webhook stream: ${what} failed (${error instanceof Error ? error.name : 'error'})`;
    // The same error on every poll (DynamoDB Local restarting) is said once.
    if (line !== lastError) log(line);
    lastError = line;
  };

  async function iterator(shardId: string, type: 'LATEST' | 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER', sequence?: string): Promise<string | undefined> {
    const out = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: type, ...(sequence ? { SequenceNumber: sequence } : {}) }),
    );
    return out.ShardIterator;
  }

  /** Finds the stream and its shards; `atStart`: open shards are read from now on. */
  async function describe(atStart: boolean): Promise<void> {
    if (!streamArn) {
      const { Table } = await options.client.send(new DescribeTableCommand({ TableName: options.tableName }));
      streamArn = Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);
    }
    const all: Shard[] = [];
    let start: string | undefined;
    do {
      const out = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }));
      all.push(...(out.StreamDescription?.Shards ?? []));
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    for (const shard of all) {
      const id = shard.ShardId;
      if (!id || shards.has(id) || finished.has(id)) continue;
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      if (atStart) {
        // Old records are not sent again: closed shards are done, open ones read from now.
        if (closed) finished.add(id);
        else shards.set(id, { iterator: await iterator(id, 'LATEST'), lastSequence: undefined });
      } else {
        shards.set(id, { iterator: await iterator(id, 'TRIM_HORIZON'), lastSequence: undefined });
      }
    }
    lastDescribe = Date.now();
  }

  async function readShard(id: string, state: ShardState): Promise<void> {
    if (!state.iterator) return;
    let records: _Record[];
    try {
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: RECORDS_PER_CALL }));
      records = out.Records ?? [];
      state.iterator = out.NextShardIterator;
    } catch (error) {
      if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
        // Resume after the last record read (or from what the shard still holds).
        state.iterator = state.lastSequence ? await iterator(id, 'AFTER_SEQUENCE_NUMBER', state.lastSequence) : await iterator(id, 'TRIM_HORIZON');
        return;
      }
      throw error;
    }
    if (records.length > 0) state.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber ?? state.lastSequence;
    const items = records.filter(isDispatchRecord).map((record) => unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>));
    if (items.length > 0) {
      try {
        await options.onItems(items);
      } catch (error) {
        report('dispatching', error);
      }
    }
    if (!state.iterator) {
      // Closed and read to its end: its children (new shards) are found by the next describe.
      shards.delete(id);
      finished.add(id);
      lastDescribe = 0;
    }
  }

  /** After an error other than an expired iterator: start again from the stream's shards as they are now. */
  let restart = false;

  async function poll(): Promise<void> {
    try {
      if (restart) {
        streamArn = undefined;
        shards.clear();
        finished.clear();
        await describe(true);
        restart = false;
      } else if (Date.now() - lastDescribe >= DESCRIBE_EVERY_MS) {
        await describe(false);
      }
      for (const [id, state] of [...shards]) {
        if (stopped) return;
        await readShard(id, state);
      }
      lastError = '';
    } catch (error) {
      // DynamoDB Local restarting (start.ts supervises it): while it is down nothing is written, so
      // reading again from the end of its shards once it answers misses nothing.
      report('reading', error);
      restart = true;
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = poll().finally(schedule);
    }, POLL_MS);
  }

  await describe(true);
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      streams.destroy();
    },
  };
}
