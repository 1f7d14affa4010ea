/**
 * A project's suppression list in the single table.
 *
 * Access patterns (pk / sk):
 * - one address, or many at once (the send path: BatchGet) ... SUPPRESSION#<projectId> / <normalised address>
 * - the list, by address, with a type filter ............... Query on SUPPRESSION#<projectId>
 *
 * Addresses are compared with the domain part lower-cased and in ASCII (local parts may be
 * case-sensitive, as RFC 5321 allows); entries an internationalised domain's Unicode form
 * keyed before are still found.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  batchGetAll,
  batchWriteAll,
  dynamo,
  queryPage,
  tableName,
  withoutKeys,
  writeIf,
} from '#shared/aws/dynamodb.ts';
import { withAsciiDomain, withUnicodeDomain } from '#shared/emails/address.ts';
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

/** `Jane@Example.COM` → `Jane@example.com`; `a@Exämple.com` → `a@xn--exmple-cua.com` (one mailbox, one entry). */
export function normaliseAddress(address: string): string {
  return withAsciiDomain(address);
}

/** The keys an address may be listed under: its own, and the Unicode form entries of internationalised domains once had. */
const keysOf = (address: string) => [...new Set([normaliseAddress(address), withUnicodeDomain(address)])];

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
  let removed = false;
  for (const key of keysOf(address)) {
    const outcome = await writeIf(
      dynamo.send(
        new DeleteCommand({
          TableName: tableName(),
          Key: { pk: `SUPPRESSION#${projectId}`, sk: key },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
    if (outcome.written) removed = true;
  }
  return removed;
}

/** Which of these addresses the project has suppressed (normalised), and why. */
export async function suppressedAmong(
  projectId: string,
  addresses: string[],
): Promise<Map<string, SuppressionType>> {
  const unique = [...new Set(addresses.flatMap(keysOf))];
  const items = await batchGetAll(unique.map((key) => ({ pk: `SUPPRESSION#${projectId}`, sk: key })));
  return new Map(items.map((item) => [normaliseAddress(String(item.sk)), item.type as SuppressionType]));
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
