/**
 * Emails in the single table: one item per email, its history inside it.
 *
 * Access patterns (pk / sk):
 * - email by id, with its history ........... EMAILS#<projectId>#<shard> / <emailId>
 *   (the shard comes from the id, so a project's id finds its email in one read and
 *   another project's id finds nothing)
 * - emails of a project, oldest or newest first: the same partitions, one Query each,
 *   merged (email ids are ULIDs, so the sort key is creation order and a date range is
 *   a key range; status, domain and tag are filters on that range)
 * - emails scheduled past the queue's 15 minutes . gsi2 (sparse): SCHEDULED / <scheduledAt>#<emailId>
 * - mail held while its account is not active .... gsi2 (sparse): HELD#<accountId> / <emailId>
 * - campaign mail parked while its campaign is paused: gsi2 (sparse): PARKED#<campaignId> / <emailId>
 * - a project's emails accepted in a time range and never claimed by a sender (lost
 *   between record and queue): the project's partitions, a key range, filtered
 *
 * Why this shape: an email is written four times in its life (accepted, claimed, sent,
 * delivered), each one write unit while the item stays under 1 KB. No global index
 * copies it, so none of those writes is billed twice, and the project's writes spread
 * over `emailShards` partitions instead of one (a partition takes 1,000 write units a
 * second). Each email expires with its `expiresAt` (the retention setting).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { KeyMode } from '#shared/auth/api-keys.ts';
import {
  batchGetAll,
  dynamo,
  queryAll,
  queryPage,
  tableName,
  withoutKeys,
  writeIf,
} from '#shared/aws/dynamodb.ts';
import { cancellationReasons, type TransactItem } from '#shared/aws/transact.ts';
import {
  type EmailStatus,
  statusesWeakerThan,
  unknownOutcome,
  waitingStatuses,
} from '#shared/emails/email-lifecycle.ts';
import { idBoundAt, shardOfId } from '#shared/ids.ts';
import { logger } from '#shared/logger.ts';
import { withRetries } from '#shared/retry/backoff.ts';
import { settings } from '#shared/settings.ts';

export interface EmailRecord {
  id: string;
  projectId: string;
  accountId: string;
  keyId: string;
  mode: KeyMode;
  batchId?: string;
  from: string;
  /** The sender's domain, for the list's `domain` filter. */
  fromDomain: string;
  /** As the caller gave it: one address or a list. */
  to: string | string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  tags: Record<string, string>;
  templateId?: string;
  /** The campaign that sent it, and the contact it went to (with the name its merge fields use). */
  campaignId?: string;
  contactId?: string;
  contactName?: string;
  /** Recipients skipped because the project suppressed them. */
  suppressed: string[];
  status: EmailStatus;
  opens: number;
  clicks: number;
  scheduledAt?: string;
  createdAt: string;
  updatedAt: string;
  /** SES's MessageId, recorded by the sender once SES accepted the message. */
  messageId?: string;
  /** Set while the email is held because its account is not active. */
  heldAt?: string;
  failureReason?: string;
  /** Unix seconds when the email leaves the table (DynamoDB TTL). */
  expiresAt?: number;
}

export interface EmailEventRecord {
  type: string;
  createdAt: string;
  details?: Record<string, unknown>;
}

/** Partitions a project's emails spread over: 8 × 1,000 write units a second. */
export const emailShards = 8;
export const emailPartition = (projectId: string, shard: number) => `EMAILS#${projectId}#${shard}`;
const emailKey = (projectId: string, id: string) => ({
  pk: emailPartition(projectId, shardOfId(id, emailShards)),
  sk: id,
});
const scheduledPartition = 'SCHEDULED';

/** What the store keeps besides the record: the history and the SNS notifications already applied. */
interface StoredEmail extends EmailRecord {
  history?: EmailEventRecord[];
  seen?: Set<string>;
}

export async function putEmail(
  email: EmailRecord,
  options: { waitsForRelease?: boolean } = {},
): Promise<void> {
  const release = options.waitsForRelease
    ? { gsi2pk: scheduledPartition, gsi2sk: `${email.scheduledAt}#${email.id}` }
    : {};
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...emailKey(email.projectId, email.id), ...release, ...email },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Removes an email that could not be queued, so no half-accepted email stays behind. */
export async function deleteEmail(projectId: string, id: string): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: tableName(), Key: emailKey(projectId, id) }));
}

/** An email item as its record and its history, the store's own bookkeeping (`seen`) left out. */
export function emailOf(item: Record<string, unknown>): { email: EmailRecord; history: EmailEventRecord[] } {
  const { history = [], seen: _seen, ...email } = withoutKeys<StoredEmail>(item);
  return { email, history };
}

/** The project's email and its history (oldest first), or undefined. */
export async function getEmailWithEvents(
  projectId: string,
  id: string,
): Promise<{ email: EmailRecord; events: EmailEventRecord[] } | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: emailKey(projectId, id), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { email, history } = emailOf(Item);
  const events = [...history].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { email, events };
}

/**
 * - `claimed`: this sender may hand the email to SES;
 * - `busy`: another sender claimed it moments ago and may still be at it (a duplicate message);
 * - `in_doubt`: an earlier attempt claimed it and never finished, so SES may or may not have it;
 * - `settled`: it is no longer waiting to be sent (sent, canceled, failed…);
 * - `missing`: there is no such email.
 */
export type ClaimOutcome = 'claimed' | 'busy' | 'in_doubt' | 'settled' | 'missing';

/** Longer than any sender invocation runs: a claim this young may still be in flight. */
const claimInFlightMs = 60_000;

const waiting = Object.fromEntries(waitingStatuses.map((status) => [`:${status}`, status]));

/**
 * Marks a waiting email as handed to the sender, exactly once: the condition fails for a
 * redelivered queue message whose email was already claimed, so SES never sees it twice.
 */
export async function claimForSending(projectId: string, id: string, now: string): Promise<ClaimOutcome> {
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: emailKey(projectId, id),
        UpdateExpression: 'SET sendClaimedAt = :now, updatedAt = :now',
        ConditionExpression: '#status IN (:queued, :scheduled) AND attribute_not_exists(sendClaimedAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...waiting, ':now': now },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  if (outcome.written) return 'claimed';
  const old = outcome.current;
  if (!old) return 'missing';
  if (old.status?.S !== 'queued' && old.status?.S !== 'scheduled') return 'settled';
  const claimedAt = Date.parse(old.sendClaimedAt?.S ?? '');
  return Date.parse(now) - claimedAt < claimInFlightMs ? 'busy' : 'in_doubt';
}

/** The statuses of these emails of the project (strongly consistent), by id; a missing email is left out. */
export async function statusesOf(projectId: string, ids: string[]): Promise<Map<string, EmailStatus>> {
  const items = await batchGetAll(
    ids.map((id) => emailKey(projectId, id)),
    { consistent: true },
  );
  return new Map(items.map((item) => [String(item.sk), item.status as EmailStatus]));
}

/** Gives a claim back when SES refused to try (throttling, a 5xx), so a retry may send. */
export async function releaseClaim(projectId: string, id: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: emailKey(projectId, id),
      UpdateExpression: 'REMOVE sendClaimedAt',
      ConditionExpression: '#status IN (:queued, :scheduled)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: waiting,
    }),
  );
}

/** One change to an email: a status to reach, and what to record beside it. */
export interface EmailChange {
  /** Moves the email here when that is stronger than its current status. */
  status?: EmailStatus;
  failureReason?: string;
  /** SES's MessageId: recorded once; an event naming another message is not this email's. */
  messageId?: string;
  /** The accountId the change claims the email belongs to (checked, for SES events). */
  accountId?: string;
  /** A line of the email's history. */
  event?: EmailEventRecord;
  /** The SNS notification the change comes from: each is applied once. */
  notificationId?: string;
  counter?: 'opens' | 'clicks';
}

/** What the email was before a change moved its status (when it did). */
export interface Previous {
  status?: EmailStatus;
  failureReason?: string;
}

/**
 * - `changed`: applied, and the status moved;
 * - `recorded`: applied (history, counters, message id), the status already as strong;
 * - `duplicate`: this notification was applied before;
 * - `unmatched`: no such email, or it belongs to another account or SES message.
 */
export type ChangeOutcome = 'changed' | 'recorded' | 'duplicate' | 'unmatched';

/** The condition under which `status` may replace the current one: out-of-order events never downgrade it. */
function strengthens(
  status: EmailStatus,
  failureReason: string | undefined,
  values: Record<string, unknown>,
) {
  // Not knowing whether SES took the message says nothing once SES has reported on it:
  // an unknown outcome replaces only a status SES has not spoken to.
  const unknown = status === 'failed' && failureReason === unknownOutcome;
  const weaker = unknown ? statusesWeakerThan('sent') : statusesWeakerThan(status);
  weaker.forEach((value, index) => {
    values[`:w${index}`] = value;
  });
  const condition = `#status IN (${weaker.map((_, i) => `:w${i}`).join(', ')})`;
  if (status === 'failed') return condition;
  values[':failed'] = 'failed';
  values[':unknown'] = unknownOutcome;
  return `(${condition} OR (#status = :failed AND failureReason = :unknown))`;
}

/**
 * Applies one change to the project's email in a single conditional write: the status
 * (when stronger), the history line, the counter and the SES message id together. When
 * the status is already as strong, the rest is still recorded (a second write, only
 * for events out of order). A notification seen before changes nothing.
 */
export async function changeEmail(
  projectId: string,
  id: string,
  now: string,
  change: EmailChange,
  /** Written in the same transaction as the status change, and only if it holds (a campaign's counter). */
  alongside: TransactItem[] = [],
  options: AlongsideOptions = {},
): Promise<ChangeOutcome> {
  return (await applyChange(projectId, id, now, change, alongside, options)).outcome;
}

export interface AlongsideOptions {
  /**
   * Write `alongside` also when the status already stood as strong and only the rest of
   * the change was recorded: the sender's own record of SES's acceptance counts the send
   * once, even when SES's delivery event raced ahead of it.
   */
  evenIfStronger?: boolean;
}

/** `changeEmail`, telling also what status (and failure reason) a status change replaced. */
export async function applyChange(
  projectId: string,
  id: string,
  now: string,
  change: EmailChange,
  alongside: TransactItem[] = [],
  options: AlongsideOptions = {},
): Promise<{ outcome: ChangeOutcome; previous: Previous }> {
  const previous: Previous = {};
  const attempt = async (withStatus: boolean) => {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':now': now };
    const sets = ['updatedAt = :now'];
    const adds: string[] = [];
    const removes: string[] = [];
    const conditions = ['attribute_exists(pk)'];
    if (withStatus && change.status) {
      names['#status'] = 'status';
      sets.push('#status = :status');
      values[':status'] = change.status;
      conditions.push(strengthens(change.status, change.failureReason, values));
      if (change.failureReason) {
        sets.push('failureReason = :reason');
        values[':reason'] = change.failureReason;
      } else if (change.status !== 'failed') removes.push('failureReason');
    }
    if (change.messageId) {
      sets.push('messageId = if_not_exists(messageId, :messageId)');
      values[':messageId'] = change.messageId;
      conditions.push('(attribute_not_exists(messageId) OR messageId = :messageId)');
    }
    if (change.accountId) {
      conditions.push('accountId = :account');
      values[':account'] = change.accountId;
    }
    if (change.event) {
      sets.push('history = list_append(if_not_exists(history, :none), :event)');
      values[':none'] = [];
      values[':event'] = [change.event];
    }
    if (change.notificationId) {
      adds.push('seen :notification');
      values[':notification'] = new Set([change.notificationId]);
      conditions.push('NOT contains(seen, :notificationId)');
      values[':notificationId'] = change.notificationId;
    }
    if (change.counter) {
      adds.push('#counter :one');
      names['#counter'] = change.counter;
      values[':one'] = 1;
    }
    const expression = [
      `SET ${sets.join(', ')}`,
      adds.length > 0 ? `ADD ${adds.join(', ')}` : '',
      removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
    ].join(' ');
    const update: UpdateCommandInput = {
      TableName: tableName(),
      Key: emailKey(projectId, id),
      UpdateExpression: expression.trim(),
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
    const together = withStatus ? change.status !== undefined : options.evenIfStronger === true;
    if (together && alongside.length > 0) await updateAlongside(update, alongside);
    else {
      const { Attributes } = await dynamo.send(new UpdateCommand({ ...update, ReturnValues: 'UPDATED_OLD' }));
      if (withStatus && change.status) {
        previous.status = Attributes?.status as EmailStatus | undefined;
        previous.failureReason = Attributes?.failureReason as string | undefined;
      }
    }
  };
  const refusal = async (withStatus: boolean) => {
    const tried = await writeIf(attempt(withStatus));
    return tried.written ? undefined : (tried.current ?? {});
  };

  const outcome = async (): Promise<ChangeOutcome> => {
    const first = await refusal(change.status !== undefined);
    if (!first) return change.status ? 'changed' : 'recorded';
    const old = first;
    if (!old.pk) return 'unmatched';
    if (change.accountId && old.accountId?.S !== change.accountId) return 'unmatched';
    if (change.messageId && old.messageId?.S && old.messageId.S !== change.messageId) return 'unmatched';
    if (change.notificationId && old.seen?.SS?.includes(change.notificationId)) return 'duplicate';
    if (!change.status) return 'unmatched';
    // The status was already as strong: record the rest without it.
    if (!change.event && !change.counter && !change.messageId) return 'recorded';
    const second = await refusal(false);
    if (!second) return 'recorded';
    return change.notificationId && second.seen?.SS?.includes(change.notificationId)
      ? 'duplicate'
      : 'unmatched';
  };
  return { outcome: await outcome(), previous };
}

/**
 * One update and other writes in a transaction, failing as the update alone would (a
 * `ConditionalCheckFailedException` carrying the email as it was); a transaction that met
 * another on a counter is tried again (`settings().retries.transactionConflict`), and
 * after the last try the writes go one after the other (the email's change first), so a
 * change SES already made true is never lost. Once the email's change holds, each write
 * beside it is retried until it lands: a plain write to an item a transaction holds meets
 * a `TransactionConflict` too, and the SDK does not retry that, so a counter written once
 * would be lost (a campaign that never completes).
 */
async function updateAlongside(update: UpdateCommandInput, alongside: TransactItem[]): Promise<void> {
  try {
    await withRetries(
      settings().retries.transactionConflict,
      () =>
        dynamo.send(
          new TransactWriteCommand({ TransactItems: [{ Update: update } as TransactItem, ...alongside] }),
        ),
      (error) => {
        const reasons = cancellationReasons(error);
        return reasons !== undefined && reasons[0] !== 'ConditionalCheckFailed';
      },
    );
  } catch (error) {
    if ((error as Error).name !== 'TransactionCanceledException') throw error;
    const reasons =
      (error as { CancellationReasons?: { Code?: string; Item?: Record<string, never> }[] })
        .CancellationReasons ?? [];
    if (reasons[0]?.Code === 'ConditionalCheckFailed') {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: reasons[0].Item,
      });
    }
    await dynamo.send(new UpdateCommand(update));
    for (const item of alongside) if (item.Update) await updateUntilItLands(item.Update);
  }
}

/** Writes beside an email's change that keep meeting transactions are left out, logged: campaigns heal their counts. */
async function updateUntilItLands(update: NonNullable<TransactItem['Update']>): Promise<void> {
  try {
    await withRetries(
      settings().retries.writeBesideChange,
      () => dynamo.send(new UpdateCommand(update)),
      (error) => (error as Error).name === 'TransactionConflictException',
    );
  } catch (error) {
    if ((error as Error).name !== 'TransactionConflictException') throw error;
    logger.error('a write beside an email change kept meeting transactions; left out', {
      key: update.Key,
      error,
    });
  }
}

/**
 * Moves the email to `status` only when that is stronger than its current one (see
 * `changeEmail`). Returns whether the status changed.
 */
export async function advanceStatus(
  projectId: string,
  id: string,
  status: EmailStatus,
  now: string,
  extra: { failureReason?: string; messageId?: string; event?: EmailEventRecord } = {},
  alongside: TransactItem[] = [],
): Promise<boolean> {
  return (await changeEmail(projectId, id, now, { status, ...extra }, alongside)) === 'changed';
}

/**
 * Marks the email `failed` for `reason`, in its status and its history (with `alongside`
 * in the same transaction); false when a stronger status stands.
 */
export function markFailed(
  projectId: string,
  id: string,
  reason: string,
  at: string,
  alongside: TransactItem[] = [],
): Promise<boolean> {
  const event = { type: 'failed', createdAt: at, details: { reason } };
  return advanceStatus(projectId, id, 'failed', at, { failureReason: reason, event }, alongside);
}

/**
 * Cancels a campaign email that no sender has claimed (its campaign was cancelled),
 * with `alongside` (its count) in the same transaction; false when it was already
 * claimed or settled.
 */
export async function cancelCampaignEmail(
  projectId: string,
  id: string,
  now: string,
  alongside: TransactItem[],
): Promise<boolean> {
  const update: UpdateCommandInput = {
    TableName: tableName(),
    Key: emailKey(projectId, id),
    UpdateExpression: 'SET #status = :canceled, updatedAt = :now REMOVE gsi2pk, gsi2sk',
    ConditionExpression: '#status IN (:queued, :scheduled) AND attribute_not_exists(sendClaimedAt)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ...waiting, ':canceled': 'canceled', ':now': now },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
  const outcome = await writeIf<unknown>(
    alongside.length > 0 ? updateAlongside(update, alongside) : dynamo.send(new UpdateCommand(update)),
  );
  return outcome.written;
}

export type CancelOutcome = 'canceled' | 'not_cancelable' | 'missing';

/** Cancels a scheduled email of the project that the sender has not yet picked up. */
export async function cancelScheduled(id: string, projectId: string, now: string): Promise<CancelOutcome> {
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: emailKey(projectId, id),
        UpdateExpression: 'SET #status = :canceled, updatedAt = :now REMOVE gsi2pk, gsi2sk',
        ConditionExpression:
          'attribute_exists(pk) AND #status = :scheduled AND attribute_not_exists(sendClaimedAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':canceled': 'canceled', ':scheduled': 'scheduled', ':now': now },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  if (outcome.written) return 'canceled';
  return outcome.current ? 'not_cancelable' : 'missing';
}

/** Scheduled emails due by `until` that still wait in the table for release. */
export async function dueForRelease(until: string): Promise<EmailRecord[]> {
  const due: EmailRecord[] = (
    await queryAll({
      TableName: tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :until',
      ExpressionAttributeValues: { ':pk': scheduledPartition, ':until': `${until}~` },
    })
  ).map((item) => withoutKeys<EmailRecord>(item));
  return due;
}

/** Takes a scheduled email off the release sweep once its message is queued (unless it is no longer scheduled). */
export async function markReleased(projectId: string, id: string): Promise<void> {
  await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: emailKey(projectId, id),
        UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
        ConditionExpression: '#status = :scheduled',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':scheduled': 'scheduled' },
      }),
    ),
  );
}

/**
 * Lists of emails set aside, still waiting to be sent, until what stops them passes: an
 * account that is not active holds its mail (`held`, payloads waiting in S3), a paused
 * campaign parks its mail (`parked`). One mechanism for both: `setAside` puts an email
 * on its list with a mark of its own, `waitingEmails` reads a list's page, and
 * `takeOffWaitingList` removes an entry only if it still bears the mark that was read,
 * so a release never removes an entry set aside again after it read its page.
 */
export type WaitingList = { kind: 'held'; accountId: string } | { kind: 'parked'; campaignId: string };

const waitingPartition = (list: WaitingList) =>
  list.kind === 'held' ? `HELD#${list.accountId}` : `PARKED#${list.campaignId}`;

/** An email on a waiting list: `waitMark` names the setting aside that put it there. */
export type WaitingEmail = EmailRecord & { waitMark?: string; payloadKey?: string };

/**
 * Sets a waiting email aside on `list`: it keeps its status and joins the list; a held
 * email also records `heldAt` and where its payload waits (`payloadKey`). False when the
 * email is no longer waiting (sent, canceled…) or already claimed.
 */
export async function setAside(
  projectId: string,
  id: string,
  list: WaitingList,
  now: string,
  payloadKey?: string,
): Promise<boolean> {
  const held = list.kind === 'held';
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: emailKey(projectId, id),
        UpdateExpression: `SET gsi2pk = :list, gsi2sk = :id, waitMark = :mark, updatedAt = :now${held ? ', heldAt = :now, payloadKey = :key' : ''}`,
        ConditionExpression: '#status IN (:queued, :scheduled) AND attribute_not_exists(sendClaimedAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ...waiting,
          ':list': waitingPartition(list),
          ':id': id,
          ':now': now,
          // Each setting aside its own mark, so a release takes back only the one it saw.
          ':mark': `${now}#${Math.random().toString(36).slice(2, 10)}`,
          ...(held ? { ':key': payloadKey } : {}),
        },
      }),
    ),
  );
  return outcome.written;
}

/** Up to `limit` emails of a waiting list, each with the mark of its setting aside. */
export async function waitingEmails(list: WaitingList, limit = 1000): Promise<WaitingEmail[]> {
  const { items } = await queryPage(
    {
      TableName: tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': waitingPartition(list) },
    },
    limit,
  );
  return items.map((item) => withoutKeys<WaitingEmail>(item));
}

/**
 * Takes an email read from a waiting list off it, only if it still bears the mark it had
 * when read: one set aside again since (a sender that still saw its account inactive or
 * its campaign paused) stays, for the next release. An entry read without a mark (set
 * aside before marks existed) is taken off only while it has none and is on the list.
 * True when this call took it off.
 */
export async function takeOffWaitingList(list: WaitingList, email: WaitingEmail): Promise<boolean> {
  const fence = email.waitMark
    ? { ConditionExpression: 'waitMark = :mark', ExpressionAttributeValues: { ':mark': email.waitMark } }
    : {
        ConditionExpression: 'attribute_not_exists(waitMark) AND gsi2pk = :list',
        ExpressionAttributeValues: { ':list': waitingPartition(list) },
      };
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: emailKey(email.projectId, email.id),
        // `parkedAt` was the parked list's mark before one mark served every list.
        UpdateExpression: `REMOVE gsi2pk, gsi2sk, waitMark, ${list.kind === 'held' ? 'heldAt' : 'parkedAt'}`,
        ...fence,
      }),
    ),
  );
  return outcome.written;
}

/**
 * A project's emails created between `from` and `until` (epoch ms) still `queued` with
 * no sender's claim, not held and not parked: emails whose queue message never came or
 * was lost, once the range is older than any message could live.
 */
export async function unclaimedQueuedEmails(
  projectId: string,
  from: number,
  until: number,
): Promise<EmailRecord[]> {
  const shards = await Promise.all(
    Array.from({ length: emailShards }, (_, shard) =>
      queryAll({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :until',
        FilterExpression:
          '#status = :queued AND attribute_not_exists(sendClaimedAt) AND attribute_not_exists(heldAt) AND attribute_not_exists(parkedAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pk': emailPartition(projectId, shard),
          ':from': idBoundAt('email', from, 'first'),
          ':until': idBoundAt('email', until, 'last'),
          ':queued': 'queued',
        },
      }),
    ),
  );
  return shards.flat().map((item) => emailOf(item).email);
}
