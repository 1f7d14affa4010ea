import { deliverEmail, failEmail, type SendContext } from '#shared/delivery/deliver-email.ts';
import {
  type EmailPayload,
  payloadOf,
  type SendMessage,
  sendMessageSchema,
} from '#shared/emails/email-payload.ts';
import { SendDeferredError } from '#shared/emails/send-deferred.ts';
import type { QueueEmail } from '#shared/emails/send-queue.ts';
import { SendBudget } from '#shared/emails/send-rate.ts';
import { queueWorker } from '#shared/lambda/queue-worker.ts';
import { logger } from '#shared/logger.ts';
import { backoffMs } from '#shared/retry/backoff.ts';
import { settings } from '#shared/settings.ts';
import { WebhookOutbox } from '#shared/webhooks/publish-event.ts';

/** Leave this much of the invocation for the bookkeeping after the last send. */
const safetyMs = 3000;

/** A deferred email waits a short, growing, jittered pause (at most a minute) per deferral. */
const backoffSeconds = (deferrals: number) =>
  Math.max(1, Math.round(backoffMs(settings().retries.sendDeferral, deferrals) / 1000));

/** What the webhooks are told of an email that failed before it could be sent, if its payload can be read. */
const payloadIfAny = (message: SendMessage): Promise<EmailPayload | undefined> =>
  message.payload || message.payloadKey
    ? payloadOf(message).catch(() => undefined)
    : Promise.resolve(undefined);

/**
 * A send queue → SES worker, paced to the account's rate: the transactional sender
 * (`share` 1) and the campaigns' bulk sender (a share of each second). An email SES
 * has no room for yet goes back on its queue (`requeue`) as a new message after a
 * pause: waiting for capacity (many senders, a low MaxSendRate) is not a failure, so it
 * never uses up the message's receives. A message that fails otherwise on its last
 * receive fails its email (`email.failed`) before resting in the DLQ, so every accepted
 * email ends in a visible status.
 */
export function sendWorker(options: { requeue: QueueEmail; share: () => number; maxReceiveCount: number }) {
  return queueWorker(
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
          // About a day of waiting for SES's capacity, then the email is given up on.
          if (deferrals > settings().retries.sendDeferral.attempts) {
            logger.error('giving up on email after a day of deferrals', { emailId: message.emailId, error });
            const reason = `deferred_too_long: ${error.message}`;
            await failEmail(message, await payloadIfAny(message), reason, batch.webhooks);
            return;
          }
          // If this fails, the message itself comes back after its visibility timeout.
          await options.requeue({ ...message, deferrals }, backoffSeconds(deferrals));
          return;
        }
        if (receiveCount >= options.maxReceiveCount) {
          logger.error('giving up on email after its last receive', { emailId: message.emailId, error });
          const reason = `retries_exhausted: ${(error as Error).message}`;
          await failEmail(message, await payloadIfAny(message), reason, batch.webhooks);
        }
        throw error;
      }
    },
    {
      // The batch's recipients share one reservation of SES's budget; its webhook events are queued together.
      start: (event) => ({
        budget: new SendBudget(event.Records.length, options.share()),
        webhooks: new WebhookOutbox(),
      }),
      finish: (batch) => batch.webhooks.flush(),
    },
  );
}
