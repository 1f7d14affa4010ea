import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '#shared/auth/principal.ts';
import { dynamo, tableName, writeIf } from '#shared/aws/dynamodb.ts';
import { defaultLimitVariables } from '#shared/capabilities.ts';
import { capabilityEnv } from '#shared/env.ts';
import { QuotaExceededError, RateLimitedError } from '#shared/errors.ts';
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

/** The account's sending windows and monthly quota as they apply now: its own where set, else the deployment's. */
export async function sendingLimits(accountId: string): Promise<Required<AccountLimits>> {
  const limits = await limitsOf(accountId);
  const [second, minute, hour, day] = sendWindows.map(
    (window) => limits[window.name] ?? window.fallback(),
  ) as [number, number, number, number];
  return {
    perSecond: second,
    perMinute: minute,
    perHour: hour,
    perDay: day,
    monthlyQuota: limits.monthlyQuota ?? defaultMonthlyQuota(),
  };
}

/** One window an allowance is counted in: its attribute prefix, its current index, its limit. */
interface Counted {
  /** `s`, `m`, `h`, `d` or `o` (the month): the item holds `<name>i` (window index) and `<name>c` (count). */
  name: string;
  window: (typeof sendWindows)[number] | 'month';
  index: number;
  limit: number;
  endsAt: number;
}

/**
 * Shards of an account's usage item: a partition takes 1,000 writes a second, so a busy
 * account's requests spread over several items, each holding its share of every limit.
 * Every share stays at 250 or more, so a batch of 100 always fits one.
 */
const maxShards = 8;
const minimumShare = 250;

function shardCount(counted: Counted[]): number {
  const smallest = Math.min(...counted.map((window) => window.limit));
  return Math.min(maxShards, Math.max(1, Math.floor(smallest / minimumShare)));
}

function shareOf(limit: number, shard: number, shards: number): number {
  return Math.floor(limit / shards) + (shard < limit % shards ? 1 : 0);
}

/** The window indexes each usage shard held at this instance's last write, so the next write knows which windows moved on. */
const lastSeen = new Map<string, Record<string, number>>();
/** Accounts one instance remembers; past that it starts afresh (a wrong guess costs one retried write). */
const lastSeenKept = 10_000;

const usageKey = (accountId: string, shard: number) => ({ pk: `USAGE#${accountId}#${shard}`, sk: 'WINDOWS' });

/**
 * Counts `emails` against the account's four sending windows (second, minute, hour,
 * day) and, for live keys, its monthly quota. Over a window → 429 with `Retry-After`;
 * over the quota → 402 `quota_exceeded`. Test keys count toward the windows but not the
 * quota. A refused request counts nowhere.
 *
 * One small item per shard holds every window as (index, count): one conditional
 * write adds to the windows still current, restarts those that have moved on, and
 * holds only if each stays within its share. When a shard is full, the next is tried;
 * a request is refused only when none has room.
 *
 * Access pattern: USAGE#<accountId>#<shard> / WINDOWS → { si, sc, mi, mc, hi, hc, di, dc, oi, oc }
 * (the shard in the partition key, so each shard is a partition of its own).
 */
export async function consumeSendAllowance(
  caller: Pick<Principal, 'accountId' | 'mode'>,
  emails: number,
  now = Date.now(),
): Promise<AllowanceTaken> {
  const limits = await limitsOf(caller.accountId);
  const date = new Date(now);
  const nextMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  const counted: Counted[] = sendWindows.map((window) => {
    const { index, endsAt } = fixedWindow(now, window.seconds);
    return {
      name: window.name.charAt(3).toLowerCase(),
      window,
      index,
      limit: limits[window.name] ?? window.fallback(),
      endsAt,
    };
  });
  if (caller.mode === 'live') {
    counted.push({
      name: 'o',
      window: 'month',
      index: date.getUTCFullYear() * 12 + date.getUTCMonth(),
      limit: limits.monthlyQuota ?? defaultMonthlyQuota(),
      endsAt: nextMonth,
    });
  }
  // A request larger than a whole window can never fit (and would pass the condition of an empty one).
  for (const window of counted) if (emails > window.limit) refuseWindow(window, 0, emails, now);

  const shards = shardCount(counted);
  const first = Math.floor(Math.random() * shards);
  const used = new Map<string, number>();
  for (let step = 0; step < shards; step += 1) {
    const shard = (first + step) % shards;
    const full = await countOnShard(caller.accountId, shard, shards, counted, emails);
    if (!full) return { giveBack: () => giveBack(caller.accountId, shard, counted, emails) };
    for (const [name, count] of Object.entries(full)) used.set(name, (used.get(name) ?? 0) + count);
  }
  // Every shard refused: name the window with the least room across them.
  const tightest = [...counted].sort(
    (a, b) => a.limit - (used.get(a.name) ?? 0) - (b.limit - (used.get(b.name) ?? 0)),
  )[0] as Counted;
  refuseWindow(tightest, used.get(tightest.name) ?? 0, emails, now);
}

/** What was counted, so a request refused for another reason afterwards can give it back. */
export interface AllowanceTaken {
  giveBack: () => Promise<void>;
}

/** Takes `emails` back from the windows of a shard that are still the ones they were counted in. */
async function giveBack(accountId: string, shard: number, counted: Counted[], emails: number) {
  for (const window of counted) {
    // Refused when the window has moved on: there is nothing of this request left in it to take back.
    await writeIf(
      dynamo.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: usageKey(accountId, shard),
          UpdateExpression: 'ADD #c :minus',
          ConditionExpression: '#i = :index',
          ExpressionAttributeNames: { '#i': `${window.name}i`, '#c': `${window.name}c` },
          ExpressionAttributeValues: { ':minus': -emails, ':index': window.index },
        }),
      ),
    );
  }
}

/**
 * Counts on one shard; returns undefined when counted, or the shard's current counts
 * when a window there has no room. A wrong guess of which windows moved on (another
 * instance wrote since) is corrected from the refused write's old item and tried again.
 */
async function countOnShard(
  accountId: string,
  shard: number,
  shards: number,
  counted: Counted[],
  emails: number,
): Promise<Record<string, number> | undefined> {
  const cacheKey = `${accountId}#${shard}`;
  let known = lastSeen.get(cacheKey) ?? {};
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const names: Record<string, string> = {};
    const values: Record<string, number> = { ':n': emails };
    const adds: string[] = [];
    const sets: string[] = [];
    const conditions: string[] = [];
    for (const window of counted) {
      const [i, c] = [`#${window.name}i`, `#${window.name}c`];
      names[i] = `${window.name}i`;
      names[c] = `${window.name}c`;
      values[`:${window.name}`] = window.index;
      if (known[window.name] === window.index) {
        adds.push(`${c} :n`);
        conditions.push(`${i} = :${window.name} AND ${c} <= :${window.name}room`);
        values[`:${window.name}room`] = shareOf(window.limit, shard, shards) - emails;
      } else {
        sets.push(`${i} = :${window.name}`, `${c} = :n`);
        conditions.push(`(attribute_not_exists(${i}) OR ${i} < :${window.name})`);
      }
    }
    const outcome = await writeIf(
      dynamo.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: usageKey(accountId, shard),
          UpdateExpression: [
            adds.length ? `ADD ${adds.join(', ')}` : '',
            sets.length ? `SET ${sets.join(', ')}` : '',
          ]
            .join(' ')
            .trim(),
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (outcome.written) {
      if (lastSeen.size >= lastSeenKept) lastSeen.clear();
      lastSeen.set(cacheKey, Object.fromEntries(counted.map((window) => [window.name, window.index])));
      return undefined;
    }
    const old = outcome.current ?? {};
    const indexOf = (name: string) => Number(old[`${name}i`]?.N ?? Number.NaN);
    const countOf = (name: string) => Number(old[`${name}c`]?.N ?? 0);
    const counts = Object.fromEntries(
      counted.map((window) => [
        window.name,
        indexOf(window.name) === window.index ? countOf(window.name) : 0,
      ]),
    );
    const full = counted.some(
      (window) => (counts[window.name] ?? 0) + emails > shareOf(window.limit, shard, shards),
    );
    if (full) return counts;
    known = Object.fromEntries(counted.map((window) => [window.name, indexOf(window.name)]));
    // A window this instance's clock has not reached yet (another's is ahead): count into it.
    for (const window of counted) {
      if (indexOf(window.name) > window.index) window.index = indexOf(window.name);
    }
  }
  throw new Error('Could not count the send against the account usage item (contention)');
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
