/**
 * Per-project delivery counters and the bounce log, written by the events worker.
 *
 * Access patterns (pk / sk):
 * - a project's counters per UTC day ... STATS#<projectId> / D#<yyyy-mm-dd> → { sent, delivered, bounced, … }
 *   (a month or any date range is one Query with BETWEEN)
 * - a project's bounces, newest first .. BOUNCES#<projectId> / <ISO time>#<emailId>#<recipient> (90-day TTL)
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CounterUpdate } from '#shared/aws/counter-batch.ts';
import { dynamo, queryAll, tableName, withoutKeys } from '#shared/aws/dynamodb.ts';
import { bounceCursor } from '#shared/stats/analytics-schema.ts';

export const dailyCounters = [
  'sent',
  'delivered',
  'delivery_delayed',
  'bounced',
  'soft_bounced',
  'complained',
  'rejected',
  'failed',
  'opened',
  'clicked',
] as const;

export type DailyCounter = (typeof dailyCounters)[number];
export type DailyStats = { day: string } & Record<DailyCounter, number>;

/** The addition of `amount` to one of the project's counters for the UTC day of `at`, for a `CounterBatch`. */
export function dailyCount(
  projectId: string,
  at: string,
  counter: DailyCounter,
  amount: number,
): CounterUpdate {
  const day = at.slice(0, 10);
  return { key: { pk: `STATS#${projectId}`, sk: `D#${day}` }, add: { [counter]: amount }, set: { day } };
}

/** The project's counters for each day from `fromDay` to `toDay` (inclusive) that has any. */
export async function dailyStats(projectId: string, fromDay: string, toDay: string): Promise<DailyStats[]> {
  const items = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': `STATS#${projectId}`, ':from': `D#${fromDay}`, ':to': `D#${toDay}` },
  });
  return items.map((item) => {
    const row = withoutKeys<Record<string, unknown>>(item);
    const counters = Object.fromEntries(dailyCounters.map((name) => [name, Number(row[name] ?? 0)]));
    return { day: String(row.day), ...(counters as Record<DailyCounter, number>) };
  });
}

export interface BounceEntry {
  emailId: string;
  recipient: string;
  bounceType: string;
  bounceSubType: string;
  diagnosticCode?: string;
  at: string;
}

const bounceRetentionSeconds = 90 * 86_400;

export async function logBounce(projectId: string, entry: BounceEntry): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        pk: `BOUNCES#${projectId}`,
        sk: `${entry.at}#${entry.emailId}#${entry.recipient}`,
        ...entry,
        expiresAt: Math.floor(Date.parse(entry.at) / 1000) + bounceRetentionSeconds,
      },
    }),
  );
}

/** A page of the project's bounces, newest first, after the cursor (an opaque sort key). */
export async function listBounces(projectId: string, limit: number, cursor?: string) {
  const page = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: cursor ? 'pk = :pk AND sk < :cursor' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `BOUNCES#${projectId}`, ...(cursor ? { ':cursor': cursor } : {}) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  const items = page.Items ?? [];
  return {
    bounces: items.map((item) => withoutKeys<BounceEntry & { expiresAt?: number }>(item)),
    nextCursor: bounceCursor.after(String(items.at(-1)?.sk), page.LastEvaluatedKey !== undefined),
  };
}
