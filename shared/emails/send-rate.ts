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

/** Slots of one second of the shared budget that this sender holds: `[next, end)` of `rate`. */
interface Reservation {
  second: number;
  next: number;
  end: number;
  rate: number;
}

/**
 * The account's shared per-second SES budget, drawn by one sender invocation. Every
 * sender takes its sends from the same DynamoDB counter for the current second, so
 * together they stay under MaxSendRate however many run at once; slots are spread
 * evenly over the second, so the combined rate holds however you slice the time, not
 * only per calendar second. An invocation reserves slots for its whole batch in one
 * conditional write (up to a second's worth) and hands them out one send at a time, so
 * the counter costs a write per batch, not per email. Slots it does not use are lost:
 * the budget errs on the slow side. A campaign's sender fills each second only up to its
 * share (`BULK_SEND_SHARE`, 80 % by default), so the rest is always there for
 * transactional mail however large the campaign.
 *
 * Access pattern: SENDRATE / S#<epoch second> → { used, expiresAt }.
 */
export class SendBudget {
  private reservation: Reservation | undefined;
  private wanted: number;
  /** Slots are handed out one request at a time, so the batch's parallel sends share one reservation. */
  private turn: Promise<unknown> = Promise.resolve();

  private share: number;

  /**
   * `expected`: the recipients this invocation expects to send to (its batch); `share`:
   * how much of each second this sender may fill (campaigns take less than all, so
   * transactional mail always finds room).
   */
  constructor(expected: number, share = 1) {
    this.wanted = expected;
    this.share = share;
  }

  /** Waits for `recipients` slots (at most a second's worth), or throws `NoSendCapacityError` at `deadline`. */
  async acquire(recipients: number, deadline: number): Promise<void> {
    const assigned = this.turn.then(() => this.assign(recipients, deadline));
    this.turn = assigned.catch(() => undefined);
    const sendAt = await assigned;
    if (sendAt > Date.now()) await sleep(sendAt - Date.now());
  }

  /** The time of this send's slot, reserving more of the shared budget when the held slots run out. */
  private async assign(recipients: number, deadline: number): Promise<number> {
    const rate = await maxSendRate();
    const ceiling = Math.max(1, Math.floor(rate * this.share));
    const take = Math.min(recipients, ceiling);
    const held = this.reservation;
    const current = Math.floor(Date.now() / 1000);
    if (!held || held.rate !== rate || held.second < current || held.end - held.next < take) {
      const count = Math.min(ceiling, Math.max(take, this.wanted));
      this.reservation = await reserve(count, take, { rate, ceiling }, deadline);
    }
    const reservation = this.reservation as Reservation;
    const slot = reservation.next;
    reservation.next += take;
    this.wanted = Math.max(0, this.wanted - take);
    return reservation.second * 1000 + (slot * 1000) / rate;
  }
}

/**
 * Reserves `count` slots of the earliest second with room (at least `minimum` of them),
 * filling the second's counter no further than `ceiling` of its `rate` slots.
 */
async function reserve(
  count: number,
  minimum: number,
  { rate, ceiling }: { rate: number; ceiling: number },
  deadline: number,
): Promise<Reservation> {
  for (let second = Math.floor(Date.now() / 1000); second * 1000 < deadline; second += 1) {
    for (const size of count > minimum ? [count, minimum] : [minimum]) {
      try {
        const { Attributes } = await dynamo.send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { pk: 'SENDRATE', sk: `S#${second}` },
            UpdateExpression: 'ADD used :take SET expiresAt = :expires',
            ConditionExpression: 'attribute_not_exists(used) OR used <= :room',
            ExpressionAttributeValues: { ':take': size, ':room': ceiling - size, ':expires': second + 120 },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        const end = Number(Attributes?.used ?? size);
        return { second, next: end - size, end, rate };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    // This second is spent; if it is still running, wait for the next (with jitter).
    const next = (second + 1) * 1000;
    if (next > Date.now()) await sleep(next - Date.now() + Math.random() * 20);
  }
  throw new NoSendCapacityError();
}
