/**
 * Reputation counters and status history in the single table.
 *
 * Access patterns (pk / sk):
 * - window buckets of an account ... REPUTATION#<accountId> / B#<bucket start ISO> → { sends, bounces, complaints }
 *   (one Query with BETWEEN reads a 24-hour window; buckets expire by TTL)
 * - status history of an account ... ACCOUNT#<accountId> / STATUS#<ISO time> → { from, to, reason, figures, by }
 */
import type { CounterUpdate } from '#shared/aws/counter-batch.ts';
import { queryAll, tableName } from '#shared/aws/dynamodb.ts';
import {
  bucketMinutes,
  bucketStart,
  type WindowFigures,
  windowBuckets,
  windowHours,
} from '#shared/reputation/reputation-policy.ts';

const bucketKey = (accountId: string, start: number) => ({
  pk: `REPUTATION#${accountId}`,
  sk: `B#${new Date(start).toISOString()}`,
});

/** The addition to the account's counters for the bucket holding `at`, for a `CounterBatch`. */
export function reputationCount(accountId: string, at: number, add: Partial<WindowFigures>): CounterUpdate {
  const start = bucketStart(at);
  return {
    key: bucketKey(accountId, start),
    add: Object.fromEntries(Object.entries(add).filter(([, value]) => value)) as Record<string, number>,
    set: { expiresAt: Math.floor(start / 1000) + (windowHours + 2) * 3600 + bucketMinutes * 60 },
  };
}

/** The account's sends, hard bounces and complaints over the 24-hour window ending `now`. */
export async function windowFigures(accountId: string, now = Date.now()): Promise<WindowFigures> {
  const { first, last } = windowBuckets(now);
  const buckets = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
    ExpressionAttributeValues: {
      ':pk': `REPUTATION#${accountId}`,
      ':first': bucketKey(accountId, first).sk,
      ':last': bucketKey(accountId, last).sk,
    },
  });
  const sum = (name: keyof WindowFigures) =>
    buckets.reduce((total, bucket) => total + Number(bucket[name] ?? 0), 0);
  return { sends: sum('sends'), bounces: sum('bounces'), complaints: sum('complaints') };
}
