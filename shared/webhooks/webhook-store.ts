/**
 * Webhooks and their deliveries in the single table.
 *
 * Access patterns (pk / sk):
 * - webhook by id ............. WEBHOOK#<webhookId> / WEBHOOK
 * - webhooks of a project ..... gsi1: PROJECT#<projectId>#WEBHOOKS / <webhookId>
 * - deliveries of a webhook ... WEBHOOK#<webhookId> / DELIVERY#<deliveryId> (ids are ULIDs: time order; 30-day TTL)
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, queryAll, queryPage, tableName, withoutKeys } from '#shared/aws/dynamodb.ts';
import type { WebhookEvent } from '#shared/webhooks/webhook-events.ts';

export interface WebhookRecord {
  id: string;
  projectId: string;
  url: string;
  events: WebhookEvent[];
  active: boolean;
  /** `whsec_…`: signs every delivery; shown to the customer once. */
  secret: string;
  consecutiveFailures: number;
  deactivatedReason?: string;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface DeliveryRecord {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: WebhookEvent;
  /** The exact body sent, so a replay sends the same bytes and signature. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  replayCount: number;
  error?: string;
  lastAttemptAt?: string;
  createdAt: string;
  resolvedAt?: string;
}

const webhookKey = (id: string) => ({ pk: `WEBHOOK#${id}`, sk: 'WEBHOOK' });
const deliveryKey = (webhookId: string, id: string) => ({ pk: `WEBHOOK#${webhookId}`, sk: `DELIVERY#${id}` });
const deliveryRetentionSeconds = 30 * 86_400;

export async function putWebhook(webhook: WebhookRecord): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...webhookKey(webhook.id),
        gsi1pk: `PROJECT#${webhook.projectId}#WEBHOOKS`,
        gsi1sk: webhook.id,
        ...webhook,
      },
    }),
  );
}

export async function getWebhook(id: string): Promise<WebhookRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: webhookKey(id) }));
  return Item ? withoutKeys<WebhookRecord>(Item) : undefined;
}

export async function deleteWebhook(id: string): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: tableName(), Key: webhookKey(id) }));
}

export async function listProjectWebhooks(projectId: string): Promise<WebhookRecord[]> {
  const items = await queryAll({
    TableName: tableName(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': `PROJECT#${projectId}#WEBHOOKS` },
  });
  return items.map((item) => withoutKeys<WebhookRecord>(item));
}

/** After a delivery: a success clears the failure run; a failure lengthens it and may deactivate the webhook. */
export async function recordOutcome(
  id: string,
  succeeded: boolean,
  deactivateAfter: number,
  now: string,
): Promise<void> {
  if (succeeded) {
    await dynamo
      .send(
        new UpdateCommand({
          TableName: tableName(),
          Key: webhookKey(id),
          UpdateExpression: 'SET consecutiveFailures = :zero',
          ConditionExpression: 'attribute_exists(pk) AND consecutiveFailures > :zero',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
    return;
  }
  const { Attributes } = await dynamo
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: webhookKey(id),
        UpdateExpression: 'ADD consecutiveFailures :one SET updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1, ':now': now },
        ReturnValues: 'ALL_NEW',
      }),
    )
    .catch((error: unknown) => {
      if (error instanceof ConditionalCheckFailedException) return { Attributes: undefined };
      throw error;
    });
  if (Attributes?.active && Number(Attributes.consecutiveFailures) >= deactivateAfter) {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: webhookKey(id),
        UpdateExpression: 'SET active = :false, deactivatedReason = :reason, updatedAt = :now',
        ExpressionAttributeValues: {
          ':false': false,
          ':reason': `Deactivated after ${deactivateAfter} failed delivery attempts in a row; PATCH active=true to resume.`,
          ':now': now,
        },
      }),
    );
  }
}

export async function getDelivery(webhookId: string, id: string): Promise<DeliveryRecord | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: deliveryKey(webhookId, id) }),
  );
  return Item ? withoutKeys<DeliveryRecord>(Item) : undefined;
}

/** A delivery as its message describes it, before any attempt. */
export type NewDelivery = Pick<
  DeliveryRecord,
  'id' | 'webhookId' | 'eventId' | 'eventType' | 'body' | 'createdAt'
>;

export interface Attempt {
  status: DeliveryStatus;
  error?: string;
  at: string;
}

/**
 * Logs one attempt. The first attempt writes the whole record with its outcome (one
 * write per delivered event); later attempts, redeliveries and replays find the record
 * and update it.
 */
export async function recordAttempt(delivery: NewDelivery, attempt: Attempt, first: boolean): Promise<void> {
  if (first && (await createDelivery(delivery, attempt))) return;
  const resolved = attempt.status === 'pending' ? '' : ', resolvedAt = :at';
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: deliveryKey(delivery.webhookId, delivery.id),
      UpdateExpression: `SET #status = :status, lastAttemptAt = :at, #error = :error${resolved} ADD attempts :one`,
      ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
      ExpressionAttributeValues: {
        ':status': attempt.status,
        ':at': attempt.at,
        ':error': attempt.error ?? null,
        ':one': 1,
      },
    }),
  );
}

/** Writes the record of a delivery's first attempt; false if it is already there. */
async function createDelivery(delivery: NewDelivery, attempt: Attempt): Promise<boolean> {
  const record: DeliveryRecord = {
    ...delivery,
    status: attempt.status,
    attempts: 1,
    replayCount: 0,
    lastAttemptAt: attempt.at,
    ...(attempt.error ? { error: attempt.error } : {}),
    ...(attempt.status === 'pending' ? {} : { resolvedAt: attempt.at }),
  };
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...deliveryKey(delivery.webhookId, delivery.id),
          ...record,
          expiresAt: Math.floor(Date.parse(delivery.createdAt) / 1000) + deliveryRetentionSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Marks a delivery as being replayed: pending again, one more replay. */
export async function markReplayed(webhookId: string, id: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: deliveryKey(webhookId, id),
      UpdateExpression: 'SET #status = :pending REMOVE resolvedAt ADD replayCount :one',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pending': 'pending', ':one': 1 },
    }),
  );
}

/** A webhook's deliveries in a state, newest first. */
export async function listDeliveries(
  webhookId: string,
  status: DeliveryStatus,
  limit: number,
  since?: string,
) {
  const page = await queryPage(
    {
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: since ? '#status = :status AND createdAt >= :since' : '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pk': `WEBHOOK#${webhookId}`,
        ':prefix': 'DELIVERY#',
        ':status': status,
        ...(since ? { ':since': since } : {}),
      },
      ScanIndexForward: false,
    },
    limit,
  );
  return { deliveries: page.items.map((item) => withoutKeys<DeliveryRecord>(item)), hasMore: page.hasMore };
}
