import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from '#shared/aws/dynamodb.ts';
import { defaultLimitVariables } from '#shared/capabilities.ts';
import { capabilityEnv } from '#shared/env.ts';
import { QuotaExceededError, RateLimitedError } from '#shared/errors.ts';
import type { Caller } from '#shared/http/types.ts';
import { fixedWindow } from '#shared/limits/window-math.ts';
import { cachedAccount } from '#shared/tenancy/account-status.ts';
import type { AccountLimits } from '#shared/tenancy/tenancy-store.ts';
import * as z from '#shared/zod.ts';

const limit = z.optional(z.coerce.number().check(z.int(), z.gte(0)));
/** The deployment's default limits (stack settings); the Relay document's figures when unset. */
const env = capabilityEnv('settings:accountLimits', {
  [defaultLimitVariables.perSecond]: limit,
  [defaultLimitVariables.perMinute]: limit,
  [defaultLimitVariables.perHour]: limit,
  [defaultLimitVariables.perDay]: limit,
  [defaultLimitVariables.monthlyQuota]: limit,
});
/** The deployment's default for one limit, or the Relay document's figure. */
const configured = (name: keyof typeof defaultLimitVariables, fallback: number) => () =>
  env()[defaultLimitVariables[name]] ?? fallback;

/** The four sending windows of the Relay document, and their defaults until the operator sets an account's own. */
const sendWindows = [
  { name: 'perSecond', seconds: 1, fallback: configured('perSecond', 500) },
  { name: 'perMinute', seconds: 60, fallback: configured('perMinute', 5_000) },
  { name: 'perHour', seconds: 3600, fallback: configured('perHour', 50_000) },
  { name: 'perDay', seconds: 86_400, fallback: configured('perDay', 500_000) },
] as const;

const defaultMonthlyQuota = configured('monthlyQuota', 100_000);

/** The operator's limits for the account, from the account read the status check cached. */
async function limitsOf(accountId: string): Promise<AccountLimits> {
  return (await cachedAccount(accountId))?.limits ?? {};
}

interface Counted {
  window: (typeof sendWindows)[number] | 'month';
  attribute: string;
  limit: number;
  endsAt: number;
}

/**
 * Counts `emails` against the account's four sending windows (second, minute, hour,
 * day) and, for live keys, its monthly quota. Over a window → 429 with `Retry-After`;
 * over the quota → 402 `quota_exceeded`. Test keys count toward the windows but not the
 * quota.
 *
 * Three small items, each updated with its own condition, in parallel: a transaction
 * would bill every item twice. When one refuses, the others' additions are taken back,
 * so a refused request counts nowhere (a crash in between leaves the account counted a
 * little high: the safe side). Every item stays under 1 KB, so each write is one unit:
 * a minute holds its sixty seconds, a day its twenty-four hours.
 *
 * Access patterns (pk / sk), all under USAGE#<accountId>, expiring by TTL:
 * N#<epoch minute> → { s<second of minute>, m }; D#<yyyy-mm-dd> → { h<hour of day>, d };
 * M#<yyyy-mm> → { month }.
 */
export async function consumeSendAllowance(caller: Caller, emails: number, now = Date.now()): Promise<void> {
  const limits = await limitsOf(caller.accountId);
  const at = (seconds: number) => fixedWindow(now, seconds);
  const day = new Date(now).toISOString().slice(0, 10);
  const month = day.slice(0, 7);
  const nextMonth = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() + 1, 1);
  const [second, minute, hour, dayWindow] = sendWindows;
  const windowCount = (window: (typeof sendWindows)[number], attribute: string): Counted => ({
    window,
    attribute,
    limit: limits[window.name] ?? window.fallback(),
    endsAt: at(window.seconds).endsAt,
  });
  const items: UsageItem[] = [
    {
      sk: `N#${at(60).index}`,
      expires: Math.ceil(at(60).endsAt / 1000) + 120,
      counted: [windowCount(second, `s${at(1).index % 60}`), windowCount(minute, 'm')],
    },
    {
      sk: `D#${day}`,
      expires: Math.ceil(at(86_400).endsAt / 1000) + 86_400,
      counted: [windowCount(hour, `h${at(3600).index % 24}`), windowCount(dayWindow, 'd')],
    },
  ];
  if (caller.mode === 'live') {
    const quota = limits.monthlyQuota ?? defaultMonthlyQuota();
    items.push({
      sk: `M#${month}`,
      expires: Math.ceil(nextMonth / 1000) + 86_400 * 40,
      counted: [{ window: 'month', attribute: 'month', limit: quota, endsAt: nextMonth }],
    });
  }
  // A request larger than a whole window can never fit (and would pass the condition of an empty one).
  for (const item of items) {
    for (const counted of item.counted) {
      if (emails > counted.limit) refuseWindow(counted, 0, emails, now);
    }
  }
  const key = { pk: `USAGE#${caller.accountId}` };
  const outcomes = await Promise.allSettled(
    items.map((item) => countOn({ ...key, sk: item.sk }, item, emails)),
  );
  const refusal = outcomes.find((outcome) => outcome.status === 'rejected');
  if (!refusal) return;
  // Take back what the other items counted, then say which window refused.
  await Promise.all(
    items.map((item, index) =>
      outcomes[index]?.status === 'fulfilled' ? countOn({ ...key, sk: item.sk }, item, -emails) : undefined,
    ),
  );
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.status === 'fulfilled' || !(outcome.reason instanceof ConditionalCheckFailedException))
      continue;
    for (const counted of items[index]?.counted ?? []) {
      const used = Number(outcome.reason.Item?.[counted.attribute]?.N ?? 0);
      if (used + emails > counted.limit) refuseWindow(counted, used, emails, now);
    }
  }
  throw refusal.reason;
}

interface UsageItem {
  sk: string;
  expires: number;
  counted: Counted[];
}

/**
 * Adds `emails` to an item's counters on condition that each stays within its limit;
 * a negative `emails` takes an addition back, unconditionally.
 */
async function countOn(key: { pk: string; sk: string }, item: UsageItem, emails: number) {
  const limited = emails > 0;
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: key,
      UpdateExpression: `ADD ${item.counted.map((_, i) => `#a${i} :n`).join(', ')} SET expiresAt = :expires`,
      ConditionExpression: limited
        ? item.counted.map((_, i) => `(attribute_not_exists(#a${i}) OR #a${i} <= :room${i})`).join(' AND ')
        : undefined,
      ExpressionAttributeNames: Object.fromEntries(item.counted.map((c, i) => [`#a${i}`, c.attribute])),
      ExpressionAttributeValues: {
        ':n': emails,
        ':expires': item.expires,
        ...(limited ? Object.fromEntries(item.counted.map((c, i) => [`:room${i}`, c.limit - emails])) : {}),
      },
      ReturnValuesOnConditionCheckFailure: limited ? 'ALL_OLD' : undefined,
    }),
  );
}

/** The error for a window `emails` more would overflow: 402 for the month, 429 otherwise. */
function refuseWindow(counted: Counted, used: number, emails: number, now: number): never {
  if (counted.window === 'month') {
    throw new QuotaExceededError(`This account's monthly quota of ${counted.limit} emails is used up.`);
  }
  const unit = counted.window.name.replace('per', '').toLowerCase();
  throw new RateLimitedError(
    `This account may send ${counted.limit} emails per ${unit}; this request (${emails}) would exceed it.`,
    (counted.endsAt - now) / 1000,
    {
      limit: counted.limit,
      remaining: Math.max(0, counted.limit - used),
      reset: Math.ceil(counted.endsAt / 1000),
    },
  );
}
