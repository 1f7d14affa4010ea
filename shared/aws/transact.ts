import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws/dynamodb.ts';
import { ConflictError } from '#shared/errors.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Tries before a transaction that keeps meeting others on its items gives up. */
const attempts = 10;

/**
 * Runs a transaction. `TransactionConflict` (another transaction on one of its items at
 * that moment, such as an import's on a list's counter) is retried with a growing,
 * jittered pause, and after ten tries answered 409 to retry later; any other
 * cancellation is returned as its per-item reasons (`ConditionalCheckFailed`, `None`, …).
 */
export async function transact(items: TransactItem[]): Promise<string[] | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
      return undefined;
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      const reasons = (
        (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []
      ).map((reason) => reason.Code ?? 'None');
      if (!reasons.includes('TransactionConflict') || reasons.includes('ConditionalCheckFailed'))
        return reasons;
      if (attempt === attempts)
        throw new ConflictError('Another change to the same list was under way; retry in a moment.');
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt) * Math.random()));
    }
  }
}
