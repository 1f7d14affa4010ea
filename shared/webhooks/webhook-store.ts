/**
 * Webhooks and their deliveries in the single table.
 *
 * Access patterns (pk / sk):
 * - webhook by id ............. WEBHOOK#<webhookId> / WEBHOOK
 * - webhooks of a project ..... gsi1: PROJECT#<projectId>#WEBHOOKS / <webhookId>
 * - a project's subscriptions . PROJECT#<projectId> / WEBHOOKS: `webhookCount`, and one
 *   `sub_<webhookId>` attribute (its event types) per active webhook. Written in the same
 *   transaction as the webhook, read strongly consistent by every event: a webhook gets
 *   every event after its creation answered, none after its deletion or pause, and the
 *   per-project cap holds under concurrent creates.
 * - deliveries of a webhook ... WEBHOOK#<webhookId>#DELIVERIES#<shard> / DELIVERY#<deliveryId> (ids are
 *   ULIDs: time order; 30-day TTL; four shards, merged when listed)
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  batchGetAll,
  dynamo,
  queryAll,
  queryPage,
  tableName,
  withoutKeys,
  writeIf,
} from '#shared/aws/dynamodb.ts';
import { shardOfId } from '#shared/ids.ts';
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
  /**
   * Set when the receiver did not answer at all (timeout, refused connection): until then
   * its deliveries are deferred without an attempt, so an unresponsive receiver holds the
   * shared delivery capacity for one attempt, not one per event.
   */
  unresponsiveUntil?: string;
  /**
   * Set when the receiver answered, but slowly: until then its deliveries go through the
   * slow lane (a queue of their own with a few workers), so however many events wait for
   * slow receivers, they never hold the workers every other webhook is delivered by.
   */
  slowUntil?: string;
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
/** Partitions a webhook's delivery log spreads over, so a busy webhook's log is never one hot key. */
const deliveryShards = 4;
const deliveryPartition = (webhookId: string, shard: number) => `WEBHOOK#${webhookId}#DELIVERIES#${shard}`;
const deliveryKey = (webhookId: string, id: string) => ({
  pk: deliveryPartition(webhookId, shardOfId(id, deliveryShards)),
  sk: `DELIVERY#${id}`,
});
const deliveryRetentionSeconds = 30 * 86_400;

const registryKey = (projectId: string) => ({ pk: `PROJECT#${projectId}`, sk: 'WEBHOOKS' });
const subscriptionPrefix = 'sub_';

/** The webhook item's Put in a transaction: new (`insert`) or replacing the stored one. */
function webhookPut(webhook: WebhookRecord, kind: 'insert' | 'replace') {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...webhookKey(webhook.id),
        gsi1pk: `PROJECT#${webhook.projectId}#WEBHOOKS`,
        gsi1sk: webhook.id,
        ...webhook,
      },
      ConditionExpression: kind === 'insert' ? 'attribute_not_exists(pk)' : 'attribute_exists(pk)',
    },
  };
}

/** The registry update that makes its subscriptions match `webhook` (none when it is inactive). */
function subscriptionUpdate(webhook: WebhookRecord, countChange = 0) {
  const set = webhook.active ? 'SET #sub = :events' : 'REMOVE #sub';
  const values = {
    ...(webhook.active ? { ':events': webhook.events } : {}),
    ...(countChange === 0 ? {} : { ':change': countChange }),
  };
  return {
    TableName: tableName(),
    Key: registryKey(webhook.projectId),
    UpdateExpression: `${set}${countChange === 0 ? '' : ' ADD webhookCount :change'}`,
    ExpressionAttributeNames: { '#sub': `${subscriptionPrefix}${webhook.id}` },
    // DynamoDB refuses an empty map of values.
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

/** Has the registry's condition (the cap) refused a transaction? */
const refusedByCap = (error: unknown) =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed';

/**
 * Stores a new webhook and its subscriptions at once, unless the project already has
 * `max`: then returns false. Projects whose webhooks predate the registry get it first.
 */
export async function insertWebhook(webhook: WebhookRecord, max: number): Promise<boolean> {
  await registryOf(webhook.projectId);
  const registry = subscriptionUpdate(webhook, 1);
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          webhookPut(webhook, 'insert'),
          {
            Update: {
              ...registry,
              ConditionExpression: 'webhookCount < :max',
              ExpressionAttributeValues: { ...registry.ExpressionAttributeValues, ':max': max },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (refusedByCap(error)) return false;
    throw error;
  }
}

/** Saves a changed webhook and its subscriptions together. */
export async function saveWebhook(webhook: WebhookRecord): Promise<void> {
  await registryOf(webhook.projectId);
  await dynamo.send(
    new TransactWriteCommand({
      TransactItems: [webhookPut(webhook, 'replace'), { Update: subscriptionUpdate(webhook) }],
    }),
  );
}

export async function getWebhook(id: string): Promise<WebhookRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: webhookKey(id) }));
  return Item ? withoutKeys<WebhookRecord>(Item) : undefined;
}

/** The webhooks of `ids` that exist, read together (a worker's batch names a few). */
export async function getWebhooks(ids: string[]): Promise<Map<string, WebhookRecord>> {
  const items = await batchGetAll([...new Set(ids)].map(webhookKey));
  return new Map(
    items.map((item) => withoutKeys<WebhookRecord>(item)).map((webhook) => [webhook.id, webhook]),
  );
}

/** Deletes a webhook and its subscriptions together. */
export async function deleteWebhook(webhook: WebhookRecord): Promise<void> {
  await registryOf(webhook.projectId);
  await dynamo.send(
    new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: tableName(), Key: webhookKey(webhook.id) } },
        { Update: subscriptionUpdate({ ...webhook, active: false }, -1) },
      ],
    }),
  );
}

/**
 * The event types each of the project's active webhooks subscribes to, by webhook id,
 * read strongly consistent: one read per event.
 */
export async function projectSubscriptions(projectId: string): Promise<Map<string, WebhookEvent[]>> {
  const item = await registryOf(projectId);
  return new Map(
    Object.entries(item)
      .filter(([name]) => name.startsWith(subscriptionPrefix))
      .map(([name, events]) => [name.slice(subscriptionPrefix.length), events as WebhookEvent[]]),
  );
}

/**
 * A project's registry, made from its webhook list the first time it is asked for (a
 * project whose webhooks predate the registry, or that has none yet): once made, every
 * later read is one GetItem.
 */
async function registryOf(projectId: string): Promise<Record<string, unknown>> {
  const read = async () =>
    (
      await dynamo.send(
        new GetCommand({ TableName: tableName(), Key: registryKey(projectId), ConsistentRead: true }),
      )
    ).Item;
  const existing = await read();
  if (existing) return existing;
  const webhooks = await listProjectWebhooks(projectId);
  const item = {
    ...registryKey(projectId),
    webhookCount: webhooks.length,
    ...Object.fromEntries(
      webhooks
        .filter((webhook) => webhook.active)
        .map((webhook) => [`${subscriptionPrefix}${webhook.id}`, webhook.events]),
    ),
  };
  const outcome = await writeIf(
    dynamo.send(
      new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    ),
  );
  if (outcome.written) return item;
  // Made meanwhile by another caller: theirs is the one that counts.
  return (await read()) ?? item;
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

/**
 * Claims the one probe of an unresponsive receiver whose pause is over: moves its pause
 * on to `until` if it is still `seen`. Only the caller that moved it attempts a delivery;
 * the others stay deferred, so a receiver that still does not answer holds one worker.
 */
export async function claimProbe(id: string, seen: string, until: string): Promise<boolean> {
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: webhookKey(id),
        UpdateExpression: 'SET unresponsiveUntil = :until',
        ConditionExpression: 'unresponsiveUntil = :seen',
        ExpressionAttributeValues: { ':until': until, ':seen': seen },
      }),
    ),
  );
  return outcome.written;
}

/** Marks the webhook's receiver slow until `until` (see `WebhookRecord.slowUntil`). */
export async function markSlow(id: string, until: string): Promise<void> {
  // A webhook deleted meanwhile stays deleted.
  await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: webhookKey(id),
        UpdateExpression: 'SET slowUntil = :until',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':until': until },
      }),
    ),
  );
}

/** After a delivery: a success clears the failure run; a failure lengthens it and may deactivate the webhook. */
export async function recordOutcome(
  id: string,
  succeeded: boolean,
  deactivateAfter: number,
  now: string,
  unresponsiveUntil?: string,
): Promise<void> {
  if (succeeded) {
    await writeIf(
      dynamo.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: webhookKey(id),
          UpdateExpression: 'SET consecutiveFailures = :zero REMOVE unresponsiveUntil',
          ConditionExpression: 'attribute_exists(pk) AND consecutiveFailures > :zero',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      ),
    );
    return;
  }
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: webhookKey(id),
        UpdateExpression: `ADD consecutiveFailures :one SET updatedAt = :now${unresponsiveUntil ? ', unresponsiveUntil = :until' : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':one': 1,
          ':now': now,
          ...(unresponsiveUntil ? { ':until': unresponsiveUntil } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  const Attributes = outcome.written ? outcome.answer.Attributes : undefined;
  if (Attributes?.active && Number(Attributes.consecutiveFailures) >= deactivateAfter) {
    const webhook = withoutKeys<WebhookRecord>(Attributes);
    await saveWebhook({
      ...webhook,
      active: false,
      deactivatedReason: `Deactivated after ${deactivateAfter} failed delivery attempts in a row; PATCH active=true to resume.`,
      updatedAt: now,
    }).catch((error: unknown) => {
      // Deleted meanwhile: nothing left to switch off.
      if (!(error instanceof TransactionCanceledException)) throw error;
    });
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
  const outcome = await writeIf(
    dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...deliveryKey(delivery.webhookId, delivery.id),
          ...record,
          expiresAt: Math.floor(Date.parse(delivery.createdAt) / 1000) + deliveryRetentionSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  return outcome.written;
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

/** A webhook's deliveries in a state, newest first: each shard of the log read, the pages merged. */
export async function listDeliveries(
  webhookId: string,
  status: DeliveryStatus,
  limit: number,
  since?: string,
) {
  const pages = await Promise.all(
    Array.from({ length: deliveryShards }, (_, shard) =>
      queryPage(
        {
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: since ? '#status = :status AND createdAt >= :since' : '#status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pk': deliveryPartition(webhookId, shard),
            ':prefix': 'DELIVERY#',
            ':status': status,
            ...(since ? { ':since': since } : {}),
          },
          ScanIndexForward: false,
        },
        limit,
      ),
    ),
  );
  const merged = pages.flatMap((page) => page.items).sort((a, b) => String(b.sk).localeCompare(String(a.sk)));
  return {
    deliveries: merged.slice(0, limit).map((item) => withoutKeys<DeliveryRecord>(item)),
    hasMore: merged.length > limit || pages.some((page) => page.hasMore),
  };
}
