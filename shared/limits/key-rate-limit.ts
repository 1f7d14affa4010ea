import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName, writeIf } from '#shared/aws/dynamodb.ts';
import { capabilityEnv } from '#shared/env.ts';
import { RateLimitedError } from '#shared/errors.ts';
import { rateLimitClasses, type WindowLimit } from '#shared/limits/rate-limit-classes.ts';
import { currentAllowance, fixedWindow, type LimitReport } from '#shared/limits/window-math.ts';
import * as z from '#shared/zod.ts';

const limit = z.optional(z.coerce.number().check(z.int(), z.gte(1)));
/** The deployment's per-key sending limits (stack settings); the table's figures when unset. */
const sendingLimits = capabilityEnv('settings:keyLimits', {
  KEY_SENDS_PER_MINUTE: limit,
  KEY_BATCHES_PER_MINUTE: limit,
});

/** A class's window, with the deployment's own figure for the sending classes. */
function windowOf(rateClass: string): WindowLimit | undefined {
  const window = rateLimitClasses[rateClass];
  if (!window) return undefined;
  if (rateClass === 'send') return { ...window, limit: sendingLimits().KEY_SENDS_PER_MINUTE ?? window.limit };
  if (rateClass === 'batch')
    return { ...window, limit: sendingLimits().KEY_BATCHES_PER_MINUTE ?? window.limit };
  return window;
}

const windowKey = (keyId: string, rateClass: string, index: number) => ({
  pk: `RATE#${keyId}#${rateClass}`,
  sk: `W#${index}`,
});

/**
 * Counts of windows that have ended, per key and class: final once read (a straggler
 * at the boundary aside), so each instance reads a key's previous window once.
 */
const endedWindows = new Map<string, number>();
const endedWindowsKept = 10_000;

async function endedWindowCount(keyId: string, rateClass: string, index: number): Promise<number> {
  const cacheKey = `${keyId}#${rateClass}#${index}`;
  const cached = endedWindows.get(cacheKey);
  if (cached !== undefined) return cached;
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: windowKey(keyId, rateClass, index) }),
  );
  const count = Number(Item?.count ?? 0);
  if (endedWindows.size >= endedWindowsKept) endedWindows.clear();
  endedWindows.set(cacheKey, count);
  return count;
}

/**
 * Counts one request of an API key against its route class's sliding window: a read of
 * the previous window and one conditional write to the current one. Past the limit → 429
 * `rate_limited` with `Retry-After`. The previous window's count is read once per
 * instance (see `endedWindowCount`), so a request is usually one write.
 *
 * Access pattern: RATE#<keyId>#<class> / W#<window index> → { count, expiresAt }.
 */
export async function consumeKeyRate(
  keyId: string,
  rateClass: string,
  now = Date.now(),
): Promise<LimitReport | undefined> {
  const window = windowOf(rateClass);
  if (!window) return undefined;
  const { index, elapsed, endsAt } = fixedWindow(now, window.windowSeconds);
  const previous = await endedWindowCount(keyId, rateClass, index - 1);
  const allowance = currentAllowance(window.limit, previous, elapsed);
  const reset = Math.ceil(endsAt / 1000);
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: windowKey(keyId, rateClass, index),
        UpdateExpression: 'ADD #count :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :allowance',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':allowance': allowance,
          ':expires': reset + window.windowSeconds * 2,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    ),
  );
  if (!outcome.written)
    throw new RateLimitedError(
      `Rate limit exceeded: ${window.limit} requests per ${window.windowSeconds === 60 ? 'minute' : 'hour'} for this endpoint.`,
      (endsAt - now) / 1000,
      { limit: window.limit, remaining: 0, reset },
    );
  const count = Number(outcome.answer.Attributes?.count ?? 0);
  return { limit: window.limit, remaining: Math.max(0, allowance - count), reset };
}
