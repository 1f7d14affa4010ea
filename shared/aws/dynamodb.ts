import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { capabilityEnv } from '#shared/env.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('table:readWrite', { TABLE_NAME: z.string().check(z.minLength(1)) });

/** The physical name of Mailroom's table. */
export function tableName(): string {
  return env().TABLE_NAME;
}

/**
 * One document client per process. Endpoint and region come from the standard AWS
 * variables (`AWS_ENDPOINT_URL_DYNAMODB` points it at DynamoDB Local).
 */
export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

/** An item without its key attributes: the record the store's callers see. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1p, gsi1sk: _g1s, gsi2pk: _g2p, gsi2sk: _g2s, ...record } = item;
  return record as T;
}

/** Every item a query matches, following `LastEvaluatedKey` page by page. */
export async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * The first `limit` items a query matches (after its `ExclusiveStartKey`, when given),
 * and whether more follow: pages are read until the limit is passed, since filters may
 * leave a page short.
 */
export async function queryPage(
  input: QueryCommandInput,
  limit: number,
): Promise<{ items: Record<string, unknown>[]; hasMore: boolean }> {
  const items: Record<string, unknown>[] = [];
  let startKey = input.ExclusiveStartKey;
  do {
    const page = await dynamo.send(
      new QueryCommand({ ...input, ExclusiveStartKey: startKey, Limit: limit + 1 }),
    );
    for (const item of page.Items ?? []) {
      if (items.length === limit) return { items, hasMore: true };
      items.push(item);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { items, hasMore: false };
}
