import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws/dynamodb.ts';
import { ConflictError } from '#shared/errors.ts';
import { withRetries } from '#shared/retry/backoff.ts';
import { settings } from '#shared/settings.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The reasons of a transaction's cancellation, item by item (`ConditionalCheckFailed`, `TransactionConflict`, `None`, …). */
export function cancellationReasons(error: unknown): string[] | undefined {
  if ((error as Error).name !== 'TransactionCanceledException') return undefined;
  return ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map(
    (reason) => reason.Code ?? 'None',
  );
}

/** A cancellation due only to another transaction on one of its items at that moment: worth trying again. */
export function metAnotherTransaction(error: unknown): boolean {
  const reasons = cancellationReasons(error) ?? [];
  return reasons.includes('TransactionConflict') && !reasons.includes('ConditionalCheckFailed');
}

/**
 * Runs a transaction. `TransactionConflict` (another transaction on one of its items at
 * that moment, such as an import's on a list's counter) is retried with a growing,
 * jittered pause (`settings().retries.transactionConflict`), and after the last try
 * answered 409 to retry later; any other cancellation is returned as its per-item
 * reasons (`ConditionalCheckFailed`, `None`, …).
 */
export async function transact(items: TransactItem[]): Promise<string[] | undefined> {
  try {
    await withRetries(
      settings().retries.transactionConflict,
      () => dynamo.send(new TransactWriteCommand({ TransactItems: items })),
      metAnotherTransaction,
    );
    return undefined;
  } catch (error) {
    if (metAnotherTransaction(error))
      throw new ConflictError('Another change to the same list was under way; retry in a moment.');
    const reasons = cancellationReasons(error);
    if (!reasons) throw error;
    return reasons;
  }
}
