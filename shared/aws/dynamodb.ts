import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { capabilityEnv } from '#shared/env.ts';
import { chunksOf, inParallel } from '#shared/in-parallel.ts';
import { untilAllTaken } from '#shared/retry/backoff.ts';
import { settings } from '#shared/settings.ts';
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

/**
 * What a conditional write came to: made (`written`, with DynamoDB's answer), or refused
 * because its condition did not hold, with the item as it was then (`current`: only when
 * the write asked for it with `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`, and
 * undefined when there was no item).
 */
export type WriteOutcome<T> =
  | { written: true; answer: T }
  | { written: false; current: Record<string, AttributeValue> | undefined };

/**
 * The one way to run a conditional write (a Put, Update or Delete with a
 * `ConditionExpression`, or a transaction whose refusal is rethrown as one): a condition
 * that did not hold is an answer (`written: false`), never an exception; any other error
 * throws.
 */
export async function writeIf<T>(write: Promise<T>): Promise<WriteOutcome<T>> {
  try {
    return { written: true, answer: await write };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { written: false, current: error.Item };
    throw error;
  }
}

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

/** How many items a query matches (`Select: COUNT`, page by page: filters read what they pass over). */
export async function queryCount(input: QueryCommandInput): Promise<number> {
  let total = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: startKey }),
    );
    total += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return total;
}

/** Items DynamoDB still left unprocessed after the last try of a batch. */
export class UnprocessedItemsError extends Error {
  constructor(count: number) {
    super(`DynamoDB left ${count} batch items unprocessed after every retry`);
    this.name = 'UnprocessedItemsError';
  }
}

/**
 * The items of the table under `keys` that exist: 100 keys a request, eight requests at a
 * time, asking again, after a backoff pause, for what DynamoDB leaves unprocessed
 * (`settings().retries.unprocessedItems`).
 */
export async function batchGetAll(
  keys: Record<string, unknown>[],
  options: { consistent?: boolean; projection?: string } = {},
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await inParallel(chunksOf(keys, 100), 8, async (chunk) => {
    const left = await untilAllTaken(settings().retries.unprocessedItems, chunk, async (pending) => {
      const answer: BatchGetCommandOutput = await dynamo.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName()]: {
              Keys: pending,
              ConsistentRead: options.consistent,
              ProjectionExpression: options.projection,
            },
          },
        }),
      );
      found.push(...(answer.Responses?.[tableName()] ?? []));
      return answer.UnprocessedKeys?.[tableName()]?.Keys ?? [];
    });
    if (left.length > 0) throw new UnprocessedItemsError(left.length);
  });
  return found;
}

/**
 * Writes `PutRequest` / `DeleteRequest`s to the table: 25 a request, four requests at a
 * time, sending again, after a backoff pause, what DynamoDB leaves unprocessed
 * (`settings().retries.unprocessedItems`). Not conditional, not atomic.
 */
export async function batchWriteAll(requests: Record<string, unknown>[]): Promise<void> {
  await inParallel(chunksOf(requests, 25), 4, async (chunk) => {
    const left = await untilAllTaken(settings().retries.unprocessedItems, chunk, async (pending) => {
      const answer = await dynamo.send(
        new BatchWriteCommand({ RequestItems: { [tableName()]: pending as never } }),
      );
      return (answer.UnprocessedItems?.[tableName()] ?? []) as Record<string, unknown>[];
    });
    if (left.length > 0) throw new UnprocessedItemsError(left.length);
  });
}
