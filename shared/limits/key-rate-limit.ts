import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from '#shared/aws/dynamodb.ts';
import { RateLimitedError } from '#shared/errors.ts';
import { rateLimitClasses } from '#shared/limits/rate-limit-classes.ts';
import { currentAllowance, fixedWindow, type LimitReport } from '#shared/limits/window-math.ts';

const windowKey = (keyId: string, rateClass: string, index: number) => ({
  pk: `RATE#${keyId}#${rateClass}`,
  sk: `W#${index}`,
});

/**
 * Counts one request of an API key against its route class's sliding window: a read of
 * the previous window and one conditional write to the current one. Past the limit → 429
 * `rate_limited` with `Retry-After`.
 *
 * Access pattern: RATE#<keyId>#<class> / W#<window index> → { count, expiresAt }.
 */
export async function consumeKeyRate(
  keyId: string,
  rateClass: string,
  now = Date.now(),
): Promise<LimitReport | undefined> {
  const window = rateLimitClasses[rateClass];
  if (!window) return undefined;
  const { index, elapsed, endsAt } = fixedWindow(now, window.windowSeconds);
  const { Item: previous } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: windowKey(keyId, rateClass, index - 1) }),
  );
  const allowance = currentAllowance(window.limit, Number(previous?.count ?? 0), elapsed);
  const reset = Math.ceil(endsAt / 1000);
  try {
    const { Attributes } = await dynamo.send(
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
    );
    return { limit: window.limit, remaining: Math.max(0, allowance - Number(Attributes?.count ?? 0)), reset };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    throw new RateLimitedError(
      `Rate limit exceeded: ${window.limit} requests per ${window.windowSeconds === 60 ? 'minute' : 'hour'} for this endpoint.`,
      (endsAt - now) / 1000,
      { limit: window.limit, remaining: 0, reset },
    );
  }
}
