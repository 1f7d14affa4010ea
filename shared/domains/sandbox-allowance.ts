import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName, writeIf } from '#shared/aws/dynamodb.ts';
import { RateLimitedError } from '#shared/errors.ts';
import { sandboxSender } from '#shared/resources.ts';

/**
 * Counts `emails` (one by default) from the shared sandbox domain against the project's daily
 * allowance (UTC days), refusing the one past the limit with 429 and `Retry-After`
 * until the next day. One conditional write; the counter expires by TTL.
 *
 * Access pattern: SANDBOX#<projectId> / DAY#<yyyy-mm-dd> → { sent, expiresAt }.
 */
export async function useSandboxAllowance(projectId: string, now = new Date(), emails = 1): Promise<void> {
  const day = now.toISOString().slice(0, 10);
  const nextDay = Date.parse(`${day}T00:00:00.000Z`) + 86_400_000;
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: `SANDBOX#${projectId}`, sk: `DAY#${day}` },
        UpdateExpression: 'ADD sent :emails SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(sent) OR sent <= :room',
        ExpressionAttributeValues: {
          ':emails': emails,
          ':room': sandboxSender.dailyLimit - emails,
          ':expires': Math.floor(nextDay / 1000) + 86_400,
        },
      }),
    ),
  );
  if (!outcome.written)
    throw new RateLimitedError(
      `The shared sandbox domain allows ${sandboxSender.dailyLimit} emails a day per project. Verify your own domain to send more.`,
      (nextDay - now.getTime()) / 1000,
    );
}
