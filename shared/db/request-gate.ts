/**
 * The request gate: lets a route's first DynamoDB reads travel together with its token lookup while
 * nothing the request reads is seen, and nothing it writes is sent, before the token is verified.
 *
 * The handler runs the route's domain call inside `withRequestGate(verified, …)`. A middleware on the
 * document client then, for every call made in that context:
 * - a write (TransactWriteItems, PutItem, UpdateItem, DeleteItem, BatchWriteItem) waits for the
 *   verification before it is sent;
 * - a read is sent at once, and its answer handed over only once the verification succeeded — so the
 *   read and the token's GetItem are one round trip, and a rejected token rejects the read too.
 * Once verified, the gate is an already-settled promise and costs nothing. The token lookup itself
 * runs outside the gate (`outsideGate`). AsyncLocalStorage keeps concurrent requests of one process
 * (the local server) apart.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const gate = new AsyncLocalStorage<Promise<unknown>>();

const WRITES = new Set(['TransactWriteItemsCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'ExecuteStatementCommand', 'ExecuteTransactionCommand', 'BatchExecuteStatementCommand']);

export function withRequestGate<T>(verified: Promise<unknown>, work: () => Promise<T>): Promise<T> {
  return gate.run(verified, work);
}

/**
 * Resolves once the current request's token is verified (at once outside a request). For work whose
 * first call is a write, which must know who writes before it builds the items.
 */
export function whenVerified(): Promise<unknown> {
  return gate.getStore() ?? Promise.resolve();
}

/** Runs `work` with no gate (the token lookup that opens it). */
export function outsideGate<T>(work: () => Promise<T>): Promise<T> {
  return gate.exit(work);
}

export function installRequestGate(db: DynamoDBDocumentClient): void {
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const verified = gate.getStore();
      if (!verified) return next(args);
      if (WRITES.has(context.commandName ?? '')) {
        await verified;
        return next(args);
      }
      const [out] = await Promise.all([next(args), verified]);
      return out;
    },
    { step: 'initialize', name: 'requestGate', priority: 'high', override: true },
  );
}
