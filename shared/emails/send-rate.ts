import { GetAccountCommand } from '@aws-sdk/client-sesv2';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName, writeIf } from '#shared/aws/dynamodb.ts';
import { sesReads } from '#shared/aws/ses.ts';
import { TtlCache } from '#shared/cache/ttl-cache.ts';
import { settings } from '#shared/settings.ts';

/** SES's quota changes rarely; reading it once per `lifetimes.sesQuota` (a minute) per sender is plenty. */
const quota = new TtlCache<'maxSendRate', Promise<number>>(() => settings().lifetimes.sesQuota);

/** Forgets the cached quota, after SES throttled us: it may have been lowered. */
export function forgetSendQuota(): void {
  quota.clear();
}

/** The account's MaxSendRate (recipients per second), from GetAccount, cached. */
export function maxSendRate(): Promise<number> {
  return quota.remember('maxSendRate', async () => {
    const account = await sesReads.send(new GetAccountCommand({}));
    return Math.max(1, Math.floor(account.SendQuota?.MaxSendRate ?? 1));
  });
}

/** No capacity before the deadline; the message should come back later. */
export class NoSendCapacityError extends Error {
  constructor() {
    super('SES sending rate fully used until the deadline');
    this.name = 'NoSendCapacityError';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * What the budget runs on: the clock, the account's rate, and the shared counter of each
 * second's positions (DynamoDB); a test gives it a fake clock and an in-memory counter.
 */
export interface PacerEnvironment {
  now(): number;
  sleep(ms: number): Promise<void>;
  maxSendRate(): Promise<number>;
  /**
   * Takes `size` more positions of epoch second `second` if that leaves at most
   * `ceiling` taken: the count taken after this, or undefined when there is no room.
   */
  take(second: number, size: number, ceiling: number): Promise<number | undefined>;
}

/** The deployed budget: the system clock, SES's rate and the table's counter. */
const awsPacer: PacerEnvironment = { now: Date.now, sleep, maxSendRate, take: takeFromTable };

/** Slots of one second of the shared budget that this sender holds: positions `[next, end)` of `rate`. */
interface Reservation {
  second: number;
  next: number;
  end: number;
  rate: number;
}

/**
 * Whether a position of the whole timeline is left empty: one in every `rate + 1` in a
 * row. A send may go out a little after its position's time (a timer fires late, a busy
 * process resumes late), never a whole position late (see `SendBudget`); so a one-second
 * window can meet the sends of `rate + 1` positions in a row, and one of them is always
 * empty. That costs 1/(rate + 1) of the rate, and keeps every second at most `rate`.
 */
function isGap(second: number, position: number, rate: number): boolean {
  return (second * rate + position) % (rate + 1) === rate;
}

/**
 * The account's shared per-second SES budget, drawn by one sender invocation. Every
 * sender takes its sends from the same DynamoDB counter for the current second, so
 * together they stay under MaxSendRate however many run at once. A second's `rate`
 * positions are spread evenly over it, one every `1000 / rate` ms on one timeline for
 * all senders, and a send goes out at its position's time, or not at all: a send that
 * finds its position's time passed by a whole interval (its process was busy, its batch
 * arrived late) gives the position up and takes a later one, so late mail never bunches
 * up. With one position in every `rate + 1` left empty (`isGap`), no window of one second,
 * however it falls, holds more than MaxSendRate sends. An invocation reserves positions
 * for its whole batch in one conditional write (up to a second's worth) and hands them
 * out one send at a time, so the counter costs a write per batch, not per email.
 * Positions it does not use are lost: the budget errs on the slow side. A campaign's
 * sender fills each second only up to its share (`BULK_SEND_SHARE`, 80 % by default), so
 * the rest is always there for transactional mail however large the campaign. An email
 * to several recipients takes that many positions in a row and goes at the first's time.
 *
 * Access pattern: SENDRATE / S#<epoch second> → { used, expiresAt }.
 */
export class SendBudget {
  private reservation: Reservation | undefined;
  private wanted: number;
  /** Slots are handed out one request at a time, so the batch's parallel sends share one reservation. */
  private turn: Promise<unknown> = Promise.resolve();

  private share: number;
  private environment: PacerEnvironment;

  /**
   * `expected`: the recipients this invocation expects to send to (its batch); `share`:
   * how much of each second this sender may fill (campaigns take less than all, so
   * transactional mail always finds room).
   */
  constructor(expected: number, share = 1, environment: PacerEnvironment = awsPacer) {
    this.wanted = expected;
    this.share = share;
    this.environment = environment;
  }

  /** Waits for `recipients` slots (at most a second's worth), or throws `NoSendCapacityError` at `deadline`. */
  async acquire(recipients: number, deadline: number): Promise<void> {
    const assigned = this.turn.then(() => this.assign(recipients, deadline));
    this.turn = assigned.catch(() => undefined);
    await assigned;
  }

  /**
   * Waits until the time of this send's positions, reserving more of the shared budget
   * when the held ones run out, and giving up positions whose time has passed.
   */
  private async assign(recipients: number, deadline: number): Promise<void> {
    const { now, sleep: wait } = this.environment;
    for (;;) {
      const rate = await this.environment.maxSendRate();
      const ceiling = Math.max(1, Math.floor(rate * this.share));
      const take = Math.min(recipients, ceiling);
      const interval = 1000 / rate;
      const held = this.reservation;
      const current = Math.floor(now() / 1000);
      if (!held || held.rate !== rate || held.second < current || held.end - held.next < take) {
        const count = Math.min(ceiling, Math.max(take, this.wanted));
        this.reservation = await reserve(count, take, { rate, ceiling }, deadline, this.environment);
      }
      const reservation = this.reservation as Reservation;
      const first = reservation.next;
      reservation.next += take;
      const positions = Array.from({ length: take }, (_, index) => first + index);
      if (positions.some((position) => isGap(reservation.second, position, rate))) continue;
      const sendAt = reservation.second * 1000 + first * interval;
      if (sendAt > now()) await wait(sendAt - now());
      // Too late for this position (a busy process, a slow reservation): a later one.
      if (now() >= sendAt + interval) continue;
      this.wanted = Math.max(0, this.wanted - take);
      return;
    }
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
  environment: PacerEnvironment,
): Promise<Reservation> {
  for (let second = Math.floor(environment.now() / 1000); second * 1000 < deadline; second += 1) {
    for (const size of count > minimum ? [count, minimum] : [minimum]) {
      const end = await environment.take(second, size, ceiling);
      if (end !== undefined) return { second, next: end - size, end, rate };
    }
    // This second is spent; if it is still running, wait for the next (with jitter).
    const next = (second + 1) * 1000;
    if (next > environment.now()) await environment.sleep(next - environment.now() + Math.random() * 20);
  }
  throw new NoSendCapacityError();
}

/** The second's positions in DynamoDB: one conditional write per reservation. */
async function takeFromTable(second: number, size: number, ceiling: number): Promise<number | undefined> {
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: 'SENDRATE', sk: `S#${second}` },
        UpdateExpression: 'ADD used :take SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(used) OR used <= :room',
        ExpressionAttributeValues: { ':take': size, ':room': ceiling - size, ':expires': second + 120 },
        ReturnValues: 'UPDATED_NEW',
      }),
    ),
  );
  return outcome.written ? Number(outcome.answer.Attributes?.used ?? size) : undefined;
}
