import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { sqs } from '#shared/aws/sqs.ts';
import { capabilityEnv } from '#shared/env.ts';
import { queueWorker } from '#shared/lambda/queue-worker.ts';
import { deliverWebhook } from '#shared/webhooks/deliver-webhook.ts';
import { enqueueWebhookMessages, webhookMessageSchema } from '#shared/webhooks/publish-event.ts';
import type { WebhookRecord } from '#shared/webhooks/webhook-store.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('webhookQueue:consume', { WEBHOOK_QUEUE_URL: z.string().check(z.url()) });

/** What one invocation's records share. */
interface BatchState {
  webhooks: Map<string, Promise<WebhookRecord | undefined>>;
  full: Set<string>;
}

/** A retried delivery waiting for its next attempt; SQS brings it back after the pause. */
class RetryLaterError extends Error {}

/**
 * Webhook queue → customer endpoints. The message's receive count (after the attempts
 * before it was queued) is the attempt number; a failed attempt hides the message for
 * the schedule's next pause (up to SQS's 12 hours) and reports it as a batch failure, so
 * SQS redelivers it then. A delivery waiting for a slow receiver's slot goes back on the
 * queue as a new message, so waiting spends none of its attempts.
 */
export const handler = queueWorker(
  async (record, _context, batch: BatchState) => {
    const message = webhookMessageSchema.parse(JSON.parse(record.body));
    const attempt = Number(record.attributes.ApproximateReceiveCount) + (message.attemptsBefore ?? 0);
    const { retryInSeconds, deferSeconds } = await deliverWebhook(
      message,
      attempt,
      batch.webhooks,
      batch.full,
    );
    if (deferSeconds !== undefined) {
      const deferrals = (message.deferrals ?? 0) + 1;
      await enqueueWebhookMessages([{ ...message, attemptsBefore: attempt - 1, deferrals }], deferSeconds);
      return;
    }
    if (retryInSeconds === undefined) return;
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: env().WEBHOOK_QUEUE_URL,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.min(retryInSeconds, 43_200),
      }),
    );
    throw new RetryLaterError(
      `Webhook delivery ${message.deliveryId} failed attempt ${attempt}; retrying in ${retryInSeconds} s`,
    );
  },
  // Each webhook is read once per batch, and each project's slots asked for until all are held.
  { start: (): BatchState => ({ webhooks: new Map(), full: new Set() }) },
);
