import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/** Cancelled only because another transaction was touching the same items (nothing was written). */
export function isTransactionConflictOnly(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return codes.includes('TransactionConflict') && codes.every((c) => c === 'TransactionConflict' || c === 'None');
}
