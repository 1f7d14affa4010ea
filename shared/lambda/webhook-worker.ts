import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { sendQueueBatch } from '#shared/aws/queue-batch.ts';
import { changeMessageVisibility } from '#shared/aws/sqs.ts';
import { queueWorker } from '#shared/lambda/queue-worker.ts';
import { logger } from '#shared/logger.ts';
import { deliverWebhook, isSlow } from '#shared/webhooks/deliver-webhook.ts';
import { type WebhookMessage, webhookMessageSchema } from '#shared/webhooks/publish-event.ts';
import { getWebhooks, type WebhookRecord } from '#shared/webhooks/webhook-store.ts';

/** The queue a worker consumes, and for the main lane, the slow lane it hands slow receivers' deliveries to. */
export interface WebhookLane {
  queueUrl: () => string;
  slowLaneUrl?: () => string;
}

/** What one invocation decided for its records before delivering any. */
interface BatchPlan {
  /** The records' messages that parsed, by SQS message id. */
  messages: Map<string, WebhookMessage>;
  webhooks: Map<string, WebhookRecord>;
  /** Records handed to the slow lane: done here. */
  moved: Set<string>;
}

/** A retried delivery waiting for its next attempt; SQS brings it back after the pause. */
class RetryLaterError extends Error {}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The attempt a record's delivery is at: its receives here, after those made in the lane it came from. */
const attemptOf = (record: SQSRecord, message: WebhookMessage) =>
  Number(record.attributes.ApproximateReceiveCount) + (message.attemptsBefore ?? 0);

/**
 * Reads the batch's webhooks at once and, in the main lane, moves the deliveries of
 * receivers marked slow to the slow lane in one request, keeping their attempt count. A
 * delivery the slow lane did not take is delivered here, as it would have been.
 */
async function planBatch(event: SQSEvent, lane: WebhookLane): Promise<BatchPlan> {
  const messages = new Map<string, WebhookMessage>();
  for (const record of event.Records) {
    // A record that does not parse fails alone, when its own turn comes.
    const parsed = webhookMessageSchema.safeParse(jsonOrUndefined(record.body));
    if (parsed.success) messages.set(record.messageId, parsed.data);
  }
  const webhooks = await getWebhooks([...messages.values()].map((message) => message.webhookId));
  const moved = new Set<string>();
  if (!lane.slowLaneUrl) return { messages, webhooks, moved };

  const slow = event.Records.filter((record) => {
    const webhook = webhooks.get(messages.get(record.messageId)?.webhookId ?? '');
    return webhook?.active === true && isSlow(webhook);
  });
  if (slow.length === 0) return { messages, webhooks, moved };
  try {
    const refused = await sendQueueBatch(
      lane.slowLaneUrl(),
      slow.map((record) => {
        const message = messages.get(record.messageId) as WebhookMessage;
        // Not attempted here: this receive does not count.
        return { body: { ...message, attemptsBefore: attemptOf(record, message) - 1 } };
      }),
    );
    const kept = new Set(refused.map((entry) => entry.index));
    slow.forEach((record, index) => {
      if (!kept.has(index)) moved.add(record.messageId);
    });
  } catch (error) {
    logger.warn('the slow lane took none of the batch; delivering here', { error });
  }
  return { messages, webhooks, moved };
}

/**
 * Webhook queue → customer endpoints. The attempt number is the message's receive count
 * (plus the attempts made before it changed lanes); a failed attempt hides the message
 * for the schedule's next pause (up to SQS's 12 hours) and reports it as a batch
 * failure, so SQS redelivers it then.
 */
export function webhookWorker(lane: WebhookLane) {
  return queueWorker(
    async (record, _context, plan: Promise<BatchPlan>) => {
      const { messages, webhooks, moved } = await plan;
      if (moved.has(record.messageId)) return;
      const message = messages.get(record.messageId) ?? webhookMessageSchema.parse(JSON.parse(record.body));
      const attempt = attemptOf(record, message);
      const { retryInSeconds } = await deliverWebhook(message, attempt, webhooks.get(message.webhookId));
      if (retryInSeconds === undefined) return;
      await changeMessageVisibility({
        QueueUrl: lane.queueUrl(),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.min(retryInSeconds, 43_200),
      });
      throw new RetryLaterError(
        `Webhook delivery ${message.deliveryId} failed attempt ${attempt}; retrying in ${retryInSeconds} s`,
      );
    },
    {
      start: (event) => {
        const plan = planBatch(event, lane);
        // Every record awaits it; this only keeps a failed read from also being reported unhandled.
        plan.catch(() => undefined);
        return plan;
      },
    },
  );
}
