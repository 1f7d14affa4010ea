/**
 * Emails and their events in the single table.
 *
 * Access patterns (pk / sk):
 * - email by id, with its events in time order ... EMAIL#<emailId> / EMAIL, EVENT#<time>#<eventKey>
 *   (one Query serves `GET /api/v1/emails/:id`; "EMAIL" sorts before "EVENT#")
 * - emails of a project, newest or oldest first .. gsi1: PROJECT#<projectId>#EMAILS / <emailId>
 *   (email ids are ULIDs, so the sort key is creation order)
 * - the send claim ............................... conditional update of EMAIL#<emailId> / EMAIL
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { KeyMode } from '#shared/auth/api-keys.ts';
import { dynamo, tableName, withoutKeys } from '#shared/aws/dynamodb.ts';
import { type EmailStatus, statusesWeakerThan } from '#shared/emails/email-status.ts';

export interface EmailRecord {
  id: string;
  projectId: string;
  accountId: string;
  keyId: string;
  mode: KeyMode;
  from: string;
  /** As the caller gave it: one address or a list. */
  to: string | string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  tags: Record<string, string>;
  status: EmailStatus;
  opens: number;
  clicks: number;
  createdAt: string;
  updatedAt: string;
  /** SES's MessageId, once SES accepted the message. */
  messageId?: string;
  failureReason?: string;
}

export interface EmailEventRecord {
  type: string;
  createdAt: string;
  details?: Record<string, unknown>;
}

const emailKey = (id: string) => ({ pk: `EMAIL#${id}`, sk: 'EMAIL' });

export async function putEmail(email: EmailRecord): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...emailKey(email.id),
        gsi1pk: `PROJECT#${email.projectId}#EMAILS`,
        gsi1sk: email.id,
        ...email,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Removes an email that could not be queued, so no half-accepted email stays behind. */
export async function deleteEmail(id: string): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: tableName, Key: emailKey(id) }));
}

/** The email and its events (oldest first), or undefined. */
export async function getEmailWithEvents(
  id: string,
): Promise<{ email: EmailRecord; events: EmailEventRecord[] } | undefined> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `EMAIL#${id}` },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const [head, ...rest] = items;
  if (head?.sk !== 'EMAIL') return undefined;
  return {
    email: withoutKeys<EmailRecord>(head),
    events: rest.map((item) => withoutKeys<EmailEventRecord>(item)),
  };
}

export type ClaimOutcome = 'claimed' | 'already_claimed' | 'missing';

/**
 * Marks a queued email as handed to the sender, exactly once: the condition fails for
 * a redelivered SQS message whose email was already claimed, so SES never sees it twice.
 */
export async function claimForSending(id: string, now: string): Promise<ClaimOutcome> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: emailKey(id),
        UpdateExpression: 'SET sendClaimedAt = :now, updatedAt = :now',
        ConditionExpression: '#status = :queued AND attribute_not_exists(sendClaimedAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':queued': 'queued', ':now': now },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'claimed';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return error.Item ? 'already_claimed' : 'missing';
    throw error;
  }
}

/** Gives a claim back when SES refused to try (throttling, a 5xx), so a retry may send. */
export async function releaseClaim(id: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName,
      Key: emailKey(id),
      UpdateExpression: 'REMOVE sendClaimedAt',
      ConditionExpression: '#status = :queued',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':queued': 'queued' },
    }),
  );
}

export async function recordMessageId(id: string, messageId: string, now: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName,
      Key: emailKey(id),
      UpdateExpression: 'SET messageId = :messageId, updatedAt = :now',
      ExpressionAttributeValues: { ':messageId': messageId, ':now': now },
    }),
  );
}

/**
 * Moves the email to `status` only when that is stronger than its current one, so
 * out-of-order events never downgrade it. Returns whether the status changed.
 */
export async function advanceStatus(
  id: string,
  status: EmailStatus,
  now: string,
  extra: { failureReason?: string } = {},
): Promise<boolean> {
  const weaker = statusesWeakerThan(status);
  const values: Record<string, unknown> = { ':status': status, ':now': now };
  weaker.forEach((value, index) => {
    values[`:w${index}`] = value;
  });
  let update = 'SET #status = :status, updatedAt = :now';
  if (extra.failureReason) {
    update += ', failureReason = :reason';
    values[':reason'] = extra.failureReason;
  }
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: emailKey(id),
        UpdateExpression: update,
        ConditionExpression: `attribute_exists(pk) AND #status IN (${weaker.map((_, i) => `:w${i}`).join(', ')})`,
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
      TableName: tableName,
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
        TableName: tableName,
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
