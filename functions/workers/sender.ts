import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { sqs } from '#shared/aws/sqs.ts';
import { deliverEmail, type SendContext, SendDeferredError } from '#shared/emails/deliver-email.ts';
import { sendMessageSchema } from '#shared/emails/email-payload.ts';
import { advanceStatus } from '#shared/emails/email-store.ts';
import { SendBudget } from '#shared/emails/send-rate.ts';
import { capabilityEnv } from '#shared/env.ts';
import { logger } from '#shared/logger.ts';
import { queueWorker } from '#shared/queue-worker.ts';
import { queues } from '#shared/resources.ts';
import { WebhookOutbox } from '#shared/webhooks/publish-event.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('sendQueue:consume', { SEND_QUEUE_URL: z.string().check(z.url()) });

/** Leave this much of the invocation for the bookkeeping after the last send. */
const safetyMs = 3000;

/** A deferred message comes back after a short, growing, jittered pause instead of the full visibility timeout. */
function backoffSeconds(receiveCount: number): number {
  return Math.min(60, 2 ** Math.min(receiveCount, 6)) + Math.floor(Math.random() * 3);
}

/**
 * Send queue → SES, paced to the account's rate. A deferred message returns soon; one
 * that fails on its last receive marks its email `failed` before resting in the DLQ, so
 * every accepted email ends in a visible status.
 */
export const handler = queueWorker(
  async (record, context, batch: SendContext) => {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount);
    const parsed = sendMessageSchema.safeParse(JSON.parse(record.body || 'null'));
    if (!parsed.success) throw new Error(`Unreadable send message: ${parsed.error.message}`);
    const message = parsed.data;
    try {
      await deliverEmail(message, Date.now() + context.getRemainingTimeInMillis() - safetyMs, batch);
    } catch (error) {
      if (receiveCount >= queues.send.maxReceiveCount) {
        logger.error('giving up on email after its last receive', { emailId: message.emailId, error });
        const at = new Date().toISOString();
        const reason = `retries_exhausted: ${(error as Error).message}`;
        await advanceStatus(message.projectId, message.emailId, 'failed', at, {
          failureReason: reason,
          event: { type: 'failed', createdAt: at, details: { reason } },
        });
      } else if (error instanceof SendDeferredError) {
        await sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: env().SEND_QUEUE_URL,
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: backoffSeconds(receiveCount),
          }),
        );
      }
      throw error;
    }
  },
  {
    // The batch's recipients share one reservation of SES's budget; its webhook events are queued together.
    start: (event) => ({ budget: new SendBudget(event.Records.length), webhooks: new WebhookOutbox() }),
    finish: (batch) => batch.webhooks.flush(),
  },
);
