/**
 * Fault injection for DynamoDB: a middleware on the shared client's stack that makes chosen calls
 * fail with errors shaped like the SDK's own, either before the request is sent (nothing written) or
 * after the real call succeeded (written, but the caller sees an error — the ambiguous case).
 *
 * It sits in the `finalizeRequest` step at low priority, i.e. inside the SDK's retry middleware
 * (`finalizeRequest`, high): every SDK attempt passes through it, so a retryable fault is retried by
 * the SDK with the same serialized request (the same ClientRequestToken), exactly as a real one.
 */
import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FinalizeHandler, FinalizeHandlerArguments, HandlerExecutionContext, MetadataBearer } from '@smithy/types';

export type FaultKind = 'throttling' | 'provisioned-throughput' | 'transaction-conflict' | 'timeout' | 'internal-server-error';

export type FaultRule = {
  /** The command's name as the SDK logs it, e.g. `TransactWriteItemsCommand`, `BatchGetItemCommand`. */
  command: string;
  fault: FaultKind;
  /** `before` the request is sent (nothing written) or `after` the real call succeeded. */
  when?: 'before' | 'after';
  /** Which matching calls (1-based, counting every SDK attempt) fail; every one when absent. */
  calls?: (n: number) => boolean;
};

export type FaultInjection = {
  /** How many times each command was seen (every SDK attempt counts). */
  seen: Record<string, number>;
  /** How many faults were thrown. */
  injected: number;
  remove: () => void;
};

const metadata = (httpStatusCode: number, attempts = 1) => ({ httpStatusCode, requestId: 'injected-fault', attempts, totalRetryDelay: 0 });

/** A synthetic error as the SDK would throw it for `kind`. */
export function faultError(kind: FaultKind): Error {
  switch (kind) {
    case 'throttling':
      return Object.assign(new Error('Rate of requests exceeds the allowed throughput (injected).'), {
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata: metadata(400),
        $retryable: { throttling: true },
      });
    case 'provisioned-throughput':
      return Object.assign(
        new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput was exceeded (injected).', $metadata: metadata(400) }),
        { $retryable: { throttling: true } },
      );
    case 'transaction-conflict':
      return new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict] (injected).',
        $metadata: metadata(400),
        CancellationReasons: [{ Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }, { Code: 'None' }],
      });
    case 'timeout':
      return Object.assign(new Error('Request timed out (injected).'), { name: 'TimeoutError', $metadata: metadata(0) });
    case 'internal-server-error':
      return Object.assign(new InternalServerError({ message: 'Internal server error (injected).', $metadata: metadata(500) }), { $retryable: {} });
  }
}

let counter = 0;

/** Adds the fault middleware to `db`'s stack; `remove()` takes it off again. */
export function injectFaults(db: DynamoDBDocumentClient, rules: readonly FaultRule[]): FaultInjection {
  const state: FaultInjection = { seen: {}, injected: 0, remove: () => {} };
  const name = `injectFaults-${++counter}`;
  db.middlewareStack.add(
    (next: FinalizeHandler<object, MetadataBearer>, context: HandlerExecutionContext) =>
      async (args: FinalizeHandlerArguments<object>) => {
        const command = context.commandName ?? '';
        const n = (state.seen[command] = (state.seen[command] ?? 0) + 1);
        const rule = rules.find((r) => r.command === command && (r.calls ? r.calls(n) : true));
        if (!rule) return next(args);
        if ((rule.when ?? 'before') === 'before') {
          state.injected++;
          throw faultError(rule.fault);
        }
        await next(args);
        state.injected++;
        throw faultError(rule.fault);
      },
    { step: 'finalizeRequest', priority: 'low', name, override: true },
  );
  state.remove = () => {
    db.middlewareStack.remove(name);
  };
  return state;
}
