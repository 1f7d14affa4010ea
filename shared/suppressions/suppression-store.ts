/**
 * A project's suppression list in the single table.
 *
 * Access patterns (pk / sk):
 * - one address ........... SUPPRESSION#<projectId> / <normalised address>
 * - many addresses at once  BatchGet of the same keys (the send path: one round trip)
 *
 * Addresses are compared with the domain part lower-cased (local parts may be
 * case-sensitive), per the suppression issue.
 */
import { BatchGetCommand, type BatchGetCommandOutput, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from '#shared/aws/dynamodb.ts';

export type SuppressionReason = 'bounce' | 'complaint' | 'unsubscribe' | 'manual';

export interface Suppression {
  email: string;
  reason: SuppressionReason;
  /** The email whose event caused it, when an event did. */
  sourceEmailId?: string;
  createdAt: string;
}

/** `Jane@Example.COM` → `Jane@example.com`. */
export function normaliseAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
}

const suppressionKey = (projectId: string, address: string) => ({
  pk: `SUPPRESSION#${projectId}`,
  sk: normaliseAddress(address),
});

export async function addSuppression(projectId: string, suppression: Suppression): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...suppressionKey(projectId, suppression.email),
        ...suppression,
        email: normaliseAddress(suppression.email),
      },
    }),
  );
}

/** Which of these addresses the project has suppressed (normalised), in one round trip per 100. */
export async function suppressedAmong(projectId: string, addresses: string[]): Promise<Set<string>> {
  const unique = [...new Set(addresses.map(normaliseAddress))];
  const found = new Set<string>();
  for (let start = 0; start < unique.length; start += 100) {
    let keys: Record<string, unknown>[] | undefined = unique
      .slice(start, start + 100)
      .map((address) => suppressionKey(projectId, address));
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await dynamo.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }),
      );
      for (const item of result.Responses?.[tableName] ?? []) found.add(String(item.sk));
      keys = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return found;
}
