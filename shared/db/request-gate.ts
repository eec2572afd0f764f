/**
 * The request gate: lets a route's first DynamoDB read carry its token lookup while nothing the
 * request reads is seen, and nothing it writes is sent, before the token is verified.
 *
 * The handler runs the route's domain call inside `withRequestGate({ verified, token }, …)`. A
 * middleware on the document client then, for every call made in that context:
 * - a write (TransactWriteItems, PutItem, UpdateItem, DeleteItem, BatchWriteItem) waits for the
 *   verification before it is sent;
 * - a read is sent at once, and its answer handed over only once the verification succeeded.
 * The token item itself is read once, by whichever comes first:
 * - the route's first call, if it is a strongly consistent BatchGetItem of whole items with room for
 *   one more key: the token's key rides in it and its item is taken out of the answer before the
 *   route sees it (a booking's references, a move's appointment and its refs) — one call fewer;
 * - otherwise a GetItem of its own, sent beside that first call, or when the work waits for the
 *   verification (`whenVerified`), or when the handler needs the verdict without any work.
 * Once verified, the gate is an already-settled promise and costs nothing. AsyncLocalStorage keeps
 * concurrent requests of one process (the local server) apart.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

/**
 * The token item's read, made once: by riding in the route's first batch read (`carry`), or alone
 * (`start`). `item` settles with the token item (undefined if there is none) or the read's error.
 */
export class TokenRead {
  readonly item: Promise<Item | undefined>;
  private claimed = false;
  private resolve!: (item: Item | undefined) => void;
  private reject!: (error: unknown) => void;

  /** `alone` reads the token item by itself: a strongly consistent GetItem of `key`. */
  constructor(
    readonly key: Key,
    private readonly alone: () => Promise<Item | undefined>,
  ) {
    this.item = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.item.catch(() => {});
  }

  /** Reads the token alone now, unless a batch carries it or it was started already. */
  start(): void {
    if (this.claimed) return;
    this.claimed = true;
    outsideGate(this.alone).then(this.resolve, this.reject);
  }

  /** Claims the read for a batch about to be sent (false if it is taken). */
  claim(): boolean {
    if (this.claimed) return false;
    this.claimed = true;
    return true;
  }

  /** The carried read's outcome: the item found, or — left unprocessed — a read of its own. */
  settle(outcome: { item: Item | undefined } | { unprocessed: true } | { error: unknown }): void {
    if ('error' in outcome) this.reject(outcome.error);
    else if ('unprocessed' in outcome) outsideGate(this.alone).then(this.resolve, this.reject);
    else this.resolve(outcome.item);
  }
}

type Gate = { verified: Promise<unknown>; token?: TokenRead };

const gate = new AsyncLocalStorage<Gate>();

const WRITES = new Set(['TransactWriteItemsCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'ExecuteStatementCommand', 'ExecuteTransactionCommand', 'BatchExecuteStatementCommand']);

/** DynamoDB's limit of keys per BatchGetItem. */
const BATCH_GET_LIMIT = 100;

export function withRequestGate<T>(context: Gate, work: () => Promise<T>): Promise<T> {
  return gate.run(context, work);
}

/**
 * Resolves once the current request's token is verified (at once outside a request). For work whose
 * first call is a write, which must know who writes before it builds the items.
 */
export function whenVerified(): Promise<unknown> {
  const current = gate.getStore();
  current?.token?.start();
  return current?.verified ?? Promise.resolve();
}

/** Runs `work` with no gate (the token's own read). */
export function outsideGate<T>(work: () => Promise<T>): Promise<T> {
  return gate.exit(work);
}

type BatchGetInput = { RequestItems?: Record<string, { Keys?: Key[]; ConsistentRead?: boolean; ProjectionExpression?: string; AttributesToGet?: string[] }> };
type BatchGetOutput = { Responses?: Record<string, Item[]>; UnprocessedKeys?: Record<string, { Keys?: Key[] }> };

const sameKey = (a: Record<string, unknown>, b: Key) => a.pk === b.pk && a.sk === b.sk;

/** The one table of a strongly consistent batch read of whole items with room for one more key, if it is one. */
function carrierTable(command: string | undefined, input: BatchGetInput): string | undefined {
  if (command !== 'BatchGetItemCommand') return undefined;
  const tables = Object.entries(input.RequestItems ?? {});
  if (tables.length !== 1) return undefined;
  const [table, request] = tables[0]!;
  const fits = request.ConsistentRead === true && !request.ProjectionExpression && !request.AttributesToGet && (request.Keys?.length ?? 0) < BATCH_GET_LIMIT;
  return fits ? table : undefined;
}

export function installRequestGate(db: DynamoDBDocumentClient): void {
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const current = gate.getStore();
      if (!current) return next(args);
      const { verified, token } = current;
      const command = context.commandName;
      const input = args.input as BatchGetInput;
      const table = token ? carrierTable(command, input) : undefined;
      if (token && table && token.claim()) {
        const request = input.RequestItems![table]!;
        const carried = { ...args, input: { ...input, RequestItems: { [table]: { ...request, Keys: [...(request.Keys ?? []), token.key] } } } };
        let out: { output: BatchGetOutput };
        try {
          out = (await next(carried)) as { output: BatchGetOutput };
        } catch (error) {
          token.settle({ error });
          await verified;
          throw error;
        }
        const found = out.output.Responses?.[table] ?? [];
        const unprocessed = out.output.UnprocessedKeys?.[table]?.Keys ?? [];
        const left = unprocessed.some((k) => sameKey(k, token.key));
        token.settle(left ? { unprocessed: true } : { item: found.find((item) => sameKey(item, token.key)) });
        // The route sees its own items only.
        const output: BatchGetOutput = {
          ...out.output,
          Responses: { ...out.output.Responses, [table]: found.filter((item) => !sameKey(item, token.key)) },
          ...(out.output.UnprocessedKeys ? { UnprocessedKeys: { ...out.output.UnprocessedKeys, [table]: { ...out.output.UnprocessedKeys[table], Keys: unprocessed.filter((k) => !sameKey(k, token.key)) } } } : {}),
        };
        await verified;
        return { ...out, output } as Awaited<ReturnType<typeof next>>;
      }
      token?.start();
      if (WRITES.has(command ?? '')) {
        await verified;
        return next(args);
      }
      const [out] = await Promise.all([next(args), verified]);
      return out;
    },
    { step: 'initialize', name: 'requestGate', priority: 'high', override: true },
  );
}
