import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetAccountCommand } from '@aws-sdk/client-sesv2';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from '#shared/aws/dynamodb.ts';
import { sesReads } from '#shared/aws/ses.ts';

/** SES's quota changes rarely; reading it once a minute per sender is plenty. */
const quotaTtlMs = 60_000;
let quota: { maxSendRate: number; readAt: number } | undefined;

/** Forgets the cached quota, after SES throttled us: it may have been lowered. */
export function forgetSendQuota(): void {
  quota = undefined;
}

/** The account's MaxSendRate (recipients per second), from GetAccount, cached. */
export async function maxSendRate(): Promise<number> {
  if (!quota || Date.now() - quota.readAt > quotaTtlMs) {
    const account = await sesReads.send(new GetAccountCommand({}));
    quota = { maxSendRate: Math.max(1, Math.floor(account.SendQuota?.MaxSendRate ?? 1)), readAt: Date.now() };
  }
  return quota.maxSendRate;
}

/** No capacity before the deadline; the message should come back later. */
export class NoSendCapacityError extends Error {
  constructor() {
    super('SES sending rate fully used until the deadline');
    this.name = 'NoSendCapacityError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes `recipients` sends from the account's shared per-second budget, then waits for
 * this send's slot in that second: slots are spread evenly over the second, so the
 * senders' combined rate stays under MaxSendRate however you slice the time, not only
 * per calendar second. When a second is spent it moves on to the next. Every sender
 * draws from the same DynamoDB counter, so together they stay within the quota however
 * many run at once. One conditional write when there is room.
 *
 * Access pattern: SENDRATE / S#<epoch second> → { used, expiresAt }.
 */
export async function acquireSendCapacity(recipients: number, deadline: number): Promise<void> {
  const rate = await maxSendRate();
  const take = Math.min(recipients, rate);
  for (let second = Math.floor(Date.now() / 1000); second * 1000 < deadline; second += 1) {
    try {
      const { Attributes } = await dynamo.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { pk: 'SENDRATE', sk: `S#${second}` },
          UpdateExpression: 'ADD used :take SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(used) OR used <= :room',
          ExpressionAttributeValues: { ':take': take, ':room': rate - take, ':expires': second + 120 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const slot = Number(Attributes?.used ?? take) - take;
      const sendAt = second * 1000 + (slot * 1000) / rate;
      if (sendAt > Date.now()) await sleep(sendAt - Date.now());
      return;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // This second is spent; if it is still running, wait for the next (with jitter).
    const next = (second + 1) * 1000;
    if (next > Date.now()) await sleep(next - Date.now() + Math.random() * 20);
  }
  throw new NoSendCapacityError();
}
