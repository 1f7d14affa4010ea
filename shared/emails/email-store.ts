/**
 * Emails and their events in the single table.
 *
 * Access patterns (pk / sk):
 * - email by id, with its events in time order ... EMAIL#<emailId> / EMAIL, EVENT#<time>#<eventKey>
 *   (one Query serves `GET /api/v1/emails/:id`; "EMAIL" sorts before "EVENT#")
 * - emails of a project, oldest or newest first .. gsi1: PROJECT#<projectId>#EMAILS / <emailId>
 *   (email ids are ULIDs, so the sort key is creation order and a date range is a key
 *   range; status, domain and tag are filters on that range)
 * - emails scheduled past the queue's 15 minutes . gsi2 (sparse): SCHEDULED / <scheduledAt>#<emailId>
 * - mail held while its account is not active .... gsi2 (sparse): HELD#<accountId> / <emailId>
 * - the send claim ............................... conditional update of EMAIL#<emailId> / EMAIL
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { KeyMode } from '#shared/auth/api-keys.ts';
import { dynamo, queryAll, queryPage, tableName, withoutKeys } from '#shared/aws/dynamodb.ts';
import { type EmailStatus, statusesWeakerThan } from '#shared/emails/email-status.ts';

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
  /** Recipients skipped because the project suppressed them. */
  suppressed: string[];
  status: EmailStatus;
  opens: number;
  clicks: number;
  scheduledAt?: string;
  createdAt: string;
  updatedAt: string;
  /** SES's MessageId, from the Send event once SES accepted the message. */
  messageId?: string;
  /** Set while the email is held because its account is not active. */
  heldAt?: string;
  failureReason?: string;
}

export interface EmailEventRecord {
  type: string;
  createdAt: string;
  details?: Record<string, unknown>;
}

/** The failure reason SES's own events may overturn (see `deliverEmail`). */
export const unknownOutcome = 'unknown_outcome';

const emailKey = (id: string) => ({ pk: `EMAIL#${id}`, sk: 'EMAIL' });
const scheduledPartition = 'SCHEDULED';

/** The email item, indexed for its project's list and, when it waits past SQS's delay, the release sweep. */
function emailItem(email: EmailRecord, waitsForRelease: boolean) {
  return {
    ...emailKey(email.id),
    gsi1pk: `PROJECT#${email.projectId}#EMAILS`,
    gsi1sk: email.id,
    ...(waitsForRelease ? { gsi2pk: scheduledPartition, gsi2sk: `${email.scheduledAt}#${email.id}` } : {}),
    ...email,
  };
}

export async function putEmail(
  email: EmailRecord,
  options: { waitsForRelease?: boolean } = {},
): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: emailItem(email, options.waitsForRelease ?? false),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Whose email this is, and the SES message it became (once SES reported it): what SES events are checked against. */
export async function getEmailOwner(
  id: string,
): Promise<Pick<EmailRecord, 'projectId' | 'accountId' | 'messageId'> | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName(),
      Key: emailKey(id),
      ProjectionExpression: 'projectId, accountId, messageId',
    }),
  );
  return Item as Pick<EmailRecord, 'projectId' | 'accountId' | 'messageId'> | undefined;
}

/** Removes an email that could not be queued, so no half-accepted email stays behind. */
export async function deleteEmail(id: string): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: tableName(), Key: emailKey(id) }));
}

/** The email and its events (oldest first), or undefined. */
export async function getEmailWithEvents(
  id: string,
): Promise<{ email: EmailRecord; events: EmailEventRecord[] } | undefined> {
  const items: Record<string, unknown>[] = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `EMAIL#${id}` },
  });
  const [head, ...rest] = items;
  if (head?.sk !== 'EMAIL') return undefined;
  return {
    email: withoutKeys<EmailRecord>(head),
    events: rest.map((item) => withoutKeys<EmailEventRecord>(item)),
  };
}

/**
 * - `claimed`: this sender may hand the email to SES;
 * - `in_doubt`: an earlier attempt claimed it and never finished, so SES may or may not have it;
 * - `settled`: it is no longer waiting to be sent (sent, canceled, failed…);
 * - `missing`: there is no such email.
 */
export type ClaimOutcome = 'claimed' | 'in_doubt' | 'settled' | 'missing';

/**
 * Marks a waiting email as handed to the sender, exactly once: the condition fails for a
 * redelivered queue message whose email was already claimed, so SES never sees it twice.
 */
export async function claimForSending(id: string, now: string): Promise<ClaimOutcome> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: emailKey(id),
        UpdateExpression: 'SET sendClaimedAt = :now, updatedAt = :now',
        ConditionExpression: '#status IN (:queued, :scheduled) AND attribute_not_exists(sendClaimedAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':queued': 'queued', ':scheduled': 'scheduled', ':now': now },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'claimed';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const old = error.Item;
    if (!old) return 'missing';
    const waiting = old.status?.S === 'queued' || old.status?.S === 'scheduled';
    return waiting ? 'in_doubt' : 'settled';
  }
}

/** Gives a claim back when SES refused to try (throttling, a 5xx), so a retry may send. */
export async function releaseClaim(id: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: emailKey(id),
      UpdateExpression: 'REMOVE sendClaimedAt',
      ConditionExpression: '#status IN (:queued, :scheduled)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':queued': 'queued', ':scheduled': 'scheduled' },
    }),
  );
}

/**
 * Moves the email to `status` only when that is stronger than its current one, so
 * out-of-order events never downgrade it; a `failed` for `unknown_outcome` yields to
 * what SES reports. Returns whether the status changed.
 */
export async function advanceStatus(
  id: string,
  status: EmailStatus,
  now: string,
  extra: { failureReason?: string; messageId?: string } = {},
): Promise<boolean> {
  // Not knowing whether SES took the message says nothing once SES has reported on it:
  // an unknown outcome replaces only a status SES has not spoken to.
  const unknown = status === 'failed' && extra.failureReason === unknownOutcome;
  const weaker = unknown ? statusesWeakerThan('sent') : statusesWeakerThan(status);
  const values: Record<string, unknown> = { ':status': status, ':now': now };
  weaker.forEach((value, index) => {
    values[`:w${index}`] = value;
  });
  const sets = ['#status = :status', 'updatedAt = :now'];
  if (extra.failureReason) {
    sets.push('failureReason = :reason');
    values[':reason'] = extra.failureReason;
  }
  if (extra.messageId) {
    sets.push('messageId = :messageId');
    values[':messageId'] = extra.messageId;
  }
  let condition = `#status IN (${weaker.map((_, i) => `:w${i}`).join(', ')})`;
  if (status !== 'failed') {
    condition = `(${condition} OR (#status = :failed AND failureReason = :unknown))`;
    values[':failed'] = 'failed';
    values[':unknown'] = unknownOutcome;
  }
  const clearReason = status === 'failed' ? '' : ' REMOVE failureReason';
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: emailKey(id),
        UpdateExpression: `SET ${sets.join(', ')}${clearReason}`,
        ConditionExpression: `attribute_exists(pk) AND ${condition}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Adds to the open or click counter without touching the status. */
export async function countEngagement(id: string, counter: 'opens' | 'clicks', now: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: emailKey(id),
      UpdateExpression: 'ADD #counter :one SET updatedAt = :now',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#counter': counter },
      ExpressionAttributeValues: { ':one': 1, ':now': now },
    }),
  );
}

/**
 * Stores one event of an email. `eventKey` identifies the source notification, so a
 * duplicate delivery of it is refused here and reported as `false`.
 */
export async function putEmailEvent(
  emailId: string,
  eventKey: string,
  event: EmailEventRecord,
): Promise<boolean> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: { pk: `EMAIL#${emailId}`, sk: `EVENT#${event.createdAt}#${eventKey}`, ...event },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export type CancelOutcome = 'canceled' | 'not_cancelable' | 'missing';

/** Cancels a scheduled email of the project that the sender has not yet picked up. */
export async function cancelScheduled(id: string, projectId: string, now: string): Promise<CancelOutcome> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: emailKey(id),
        UpdateExpression: 'SET #status = :canceled, updatedAt = :now REMOVE gsi2pk, gsi2sk',
        ConditionExpression:
          'projectId = :project AND #status = :scheduled AND attribute_not_exists(sendClaimedAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':canceled': 'canceled',
          ':scheduled': 'scheduled',
          ':project': projectId,
          ':now': now,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'canceled';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return error.Item?.projectId?.S === projectId ? 'not_cancelable' : 'missing';
  }
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

/** Takes a scheduled email off the release sweep once its message is queued. */
export async function markReleased(id: string): Promise<void> {
  await dynamo
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: emailKey(id),
        UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
        ConditionExpression: '#status = :scheduled',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':scheduled': 'scheduled' },
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
}

/**
 * Parks a waiting email while its account is not active: it keeps its status, its
 * payload waits in S3 under `payloadKey`, and it joins the account's held list.
 * False when the email is no longer waiting (sent, canceled…) or already claimed.
 */
export async function holdEmail(
  id: string,
  accountId: string,
  payloadKey: string,
  now: string,
): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: emailKey(id),
        UpdateExpression:
          'SET heldAt = :now, payloadKey = :key, gsi2pk = :held, gsi2sk = :id, updatedAt = :now',
        ConditionExpression: '#status IN (:queued, :scheduled) AND attribute_not_exists(sendClaimedAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':now': now,
          ':key': payloadKey,
          ':held': `HELD#${accountId}`,
          ':id': id,
          ':queued': 'queued',
          ':scheduled': 'scheduled',
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The account's held emails (with their payload keys). */
export async function heldEmails(accountId: string): Promise<(EmailRecord & { payloadKey: string })[]> {
  const held: (EmailRecord & { payloadKey: string })[] = (
    await queryAll({
      TableName: tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `HELD#${accountId}` },
    })
  ).map((item) => withoutKeys<EmailRecord & { payloadKey: string }>(item));
  return held;
}

/** Takes an email off its account's held list once it is queued again. */
export async function unhold(id: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: emailKey(id),
      UpdateExpression: 'REMOVE gsi2pk, gsi2sk, heldAt',
    }),
  );
}

export interface EmailListQuery {
  projectId: string;
  limit: number;
  order: 'asc' | 'desc';
  startingAfter?: string;
  status?: EmailStatus;
  domain?: string;
  /** `name` (the tag is present) or `name:value`. */
  tag?: string;
  /** Id bounds from the date range: ULIDs sort by time. */
  fromId?: string;
  toId?: string;
}

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The smallest key above `id`: ids have one length and sort below `~`. */
function idAfter(id: string): string {
  return `${id}~`;
}

/** The largest id below `id` (its ULID minus one), so an inclusive bound excludes `id` itself. */
function idBefore(id: string): string {
  const chars = [...id];
  for (let i = chars.length - 1; i >= 0; i -= 1) {
    const index = crockford.indexOf(chars[i] ?? '');
    if (index < 0) return id.slice(0, i);
    if (index > 0) {
      chars[i] = crockford[index - 1] ?? '0';
      return chars.join('');
    }
    chars[i] = crockford.at(-1) ?? 'Z';
  }
  return '';
}

const maxOf = (a: string | undefined, b: string) => (a !== undefined && a > b ? a : b);
const minOf = (a: string | undefined, b: string) => (a !== undefined && a < b ? a : b);

function listQuery(query: EmailListQuery, withCursor: boolean): QueryCommandInput {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': `PROJECT#${query.projectId}#EMAILS` };
  let lower = query.fromId;
  let upper = query.toId;
  // Key conditions take one range, so the cursor narrows the date bounds (inclusive).
  if (withCursor && query.startingAfter) {
    if (query.order === 'asc') lower = maxOf(lower, idAfter(query.startingAfter));
    else upper = minOf(upper, idBefore(query.startingAfter));
  }
  let key = 'gsi1pk = :pk';
  if (lower !== undefined && upper !== undefined) {
    key += ' AND gsi1sk BETWEEN :lower AND :upper';
    values[':lower'] = lower;
    values[':upper'] = upper;
  } else if (lower !== undefined) {
    key += ' AND gsi1sk >= :lower';
    values[':lower'] = lower;
  } else if (upper !== undefined) {
    key += ' AND gsi1sk <= :upper';
    values[':upper'] = upper;
  }
  const filters: string[] = [];
  if (query.status) {
    filters.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = query.status;
  }
  if (query.domain) {
    filters.push('fromDomain = :domain');
    values[':domain'] = query.domain;
  }
  if (query.tag) {
    const [name = '', value] = query.tag.split(':', 2);
    names['#tag'] = name;
    if (value === undefined) filters.push('attribute_exists(tags.#tag)');
    else {
      filters.push('tags.#tag = :tagValue');
      values[':tagValue'] = value;
    }
  }
  return {
    TableName: tableName(),
    IndexName: 'gsi1',
    KeyConditionExpression: key,
    FilterExpression: filters.length > 0 ? filters.join(' AND ') : undefined,
    ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
    ExpressionAttributeValues: values,
    ScanIndexForward: query.order === 'asc',
  };
}

/**
 * One page of a project's emails after the cursor, plus the total that match the
 * filters (a COUNT query over the same key range, without the cursor).
 */
export async function listEmails(
  query: EmailListQuery,
): Promise<{ emails: EmailRecord[]; hasMore: boolean; total: number }> {
  const page = await queryPage(listQuery(query, true), query.limit);
  const emails = page.items.map((item) => withoutKeys<EmailRecord>(item));

  let total = 0;
  let countKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({ ...listQuery(query, false), Select: 'COUNT', ExclusiveStartKey: countKey }),
    );
    total += page.Count ?? 0;
    countKey = page.LastEvaluatedKey;
  } while (countKey);
  return { emails, hasMore: page.hasMore, total };
}
