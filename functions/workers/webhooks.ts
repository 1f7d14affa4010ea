import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { sqs } from '#shared/aws/sqs.ts';
import { capabilityEnv } from '#shared/env.ts';
import { queueWorker } from '#shared/lambda/queue-worker.ts';
import { deliverWebhook } from '#shared/webhooks/deliver-webhook.ts';
import { webhookMessageSchema } from '#shared/webhooks/publish-event.ts';
import type { WebhookRecord } from '#shared/webhooks/webhook-store.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('webhookQueue:consume', { WEBHOOK_QUEUE_URL: z.string().check(z.url()) });

/** A retried delivery waiting for its next attempt; SQS brings it back after the pause. */
class RetryLaterError extends Error {}

/**
 * Webhook queue → customer endpoints. The message's receive count is the attempt
 * number; a failed attempt hides the message for the schedule's next pause (up to SQS's
 * 12 hours) and reports it as a batch failure, so SQS redelivers it then.
 */
export const handler = queueWorker(
  async (record, _context, webhooks: Map<string, Promise<WebhookRecord | undefined>>) => {
    const message = webhookMessageSchema.parse(JSON.parse(record.body));
    const attempt = Number(record.attributes.ApproximateReceiveCount);
    const { retryInSeconds } = await deliverWebhook(message, attempt, webhooks);
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
  // Each webhook is read once per batch.
  { start: () => new Map() },
);
