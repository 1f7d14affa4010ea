import { deliverEmail, type SendContext, SendDeferredError } from '#shared/emails/deliver-email.ts';
import { sendMessageSchema } from '#shared/emails/email-payload.ts';
import { markFailed } from '#shared/emails/email-store.ts';
import { queueEmail } from '#shared/emails/send-queue.ts';
import { SendBudget } from '#shared/emails/send-rate.ts';
import { logger } from '#shared/logger.ts';
import { queueWorker } from '#shared/queue-worker.ts';
import { queues } from '#shared/resources.ts';
import { WebhookOutbox } from '#shared/webhooks/publish-event.ts';

/** Leave this much of the invocation for the bookkeeping after the last send. */
const safetyMs = 3000;

/** A deferred email waits a short, growing, jittered pause (at most a minute) per deferral. */
function backoffSeconds(deferrals: number): number {
  return Math.min(60, 2 ** Math.min(deferrals, 6)) + Math.floor(Math.random() * 3);
}

const now = () => new Date().toISOString();

/** Deferrals before an email is given up on: about a day of waiting for SES's capacity. */
const maxDeferrals = 1440;

/**
 * Send queue → SES, paced to the account's rate. An email SES has no room for yet goes
 * back on the queue as a new message after a pause: waiting for capacity (many senders,
 * a low MaxSendRate) is not a failure, so it never uses up the message's receives. A
 * message that fails otherwise on its last receive marks its email `failed` before
 * resting in the DLQ, so every accepted email ends in a visible status.
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
      if (error instanceof SendDeferredError) {
        const deferrals = (message.deferrals ?? 0) + 1;
        if (deferrals > maxDeferrals) {
          logger.error('giving up on email after a day of deferrals', { emailId: message.emailId, error });
          await markFailed(message.projectId, message.emailId, `deferred_too_long: ${error.message}`, now());
          return;
        }
        // If this fails, the message itself comes back after its visibility timeout.
        await queueEmail({ ...message, deferrals }, backoffSeconds(deferrals));
        return;
      }
      if (receiveCount >= queues.send.maxReceiveCount) {
        logger.error('giving up on email after its last receive', { emailId: message.emailId, error });
        await markFailed(
          message.projectId,
          message.emailId,
          `retries_exhausted: ${(error as Error).message}`,
          now(),
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
