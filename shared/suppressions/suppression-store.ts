/**
 * A project's suppression list in the single table.
 *
 * Access patterns (pk / sk):
 * - one address, or many at once (the send path: BatchGet) ... SUPPRESSION#<projectId> / <normalised address>
 * - the list, by address, with a type filter ............... Query on SUPPRESSION#<projectId>
 *
 * Addresses are compared with the domain part lower-cased (local parts may be
 * case-sensitive, as RFC 5321 allows).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  batchGetAll,
  batchWriteAll,
  dynamo,
  queryPage,
  tableName,
  withoutKeys,
} from '#shared/aws/dynamodb.ts';

import type { SuppressionType } from '#shared/suppressions/suppression-schema.ts';

export interface Suppression {
  email: string;
  type: SuppressionType;
  /** The detail: the bounce subtype, the complaint's feedback type, the operator's note. */
  reason?: string;
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

const itemOf = (projectId: string, suppression: Suppression) => ({
  ...suppressionKey(projectId, suppression.email),
  ...suppression,
  email: normaliseAddress(suppression.email),
});

export async function addSuppression(projectId: string, suppression: Suppression): Promise<void> {
  await dynamo.send(new PutCommand({ TableName: tableName(), Item: itemOf(projectId, suppression) }));
}

/** Adds many (manual bulk) in batched writes. */
export async function addSuppressions(projectId: string, suppressions: Suppression[]): Promise<void> {
  await batchWriteAll(
    suppressions.map((suppression) => ({ PutRequest: { Item: itemOf(projectId, suppression) } })),
  );
}

/** Removes an address; false when it was not on the list. */
export async function removeSuppression(projectId: string, address: string): Promise<boolean> {
  try {
    await dynamo.send(
      new DeleteCommand({
        TableName: tableName(),
        Key: suppressionKey(projectId, address),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Which of these addresses the project has suppressed (normalised), and why. */
export async function suppressedAmong(
  projectId: string,
  addresses: string[],
): Promise<Map<string, SuppressionType>> {
  const unique = [...new Set(addresses.map(normaliseAddress))];
  const items = await batchGetAll(unique.map((address) => suppressionKey(projectId, address)));
  return new Map(items.map((item) => [String(item.sk), item.type as SuppressionType]));
}

/** A page of the list in address order after `startingAfter`, optionally of one type. */
export async function listSuppressions(
  projectId: string,
  options: { limit: number; type?: SuppressionType; startingAfter?: string },
): Promise<{ suppressions: Suppression[]; hasMore: boolean }> {
  const page = await queryPage(
    {
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: options.type ? '#type = :type' : undefined,
      ExpressionAttributeNames: options.type ? { '#type': 'type' } : undefined,
      ExpressionAttributeValues: {
        ':pk': `SUPPRESSION#${projectId}`,
        ...(options.type ? { ':type': options.type } : {}),
      },
      ExclusiveStartKey: options.startingAfter ? suppressionKey(projectId, options.startingAfter) : undefined,
    },
    options.limit,
  );
  return { suppressions: page.items.map((item) => withoutKeys<Suppression>(item)), hasMore: page.hasMore };
}
