import { CounterBatch } from '#shared/aws/counter-batch.ts';
import { capabilityEnv } from '#shared/env.ts';
import { type EventBatch, recordSesEvent } from '#shared/events/record-ses-event.ts';
import { sesEventSchema, snsEnvelopeSchema } from '#shared/events/ses-event.ts';
import { hasValidSnsSignature } from '#shared/events/sns-signature.ts';
import { queueWorker } from '#shared/lambda/queue-worker.ts';
import { logger } from '#shared/logger.ts';
import { WebhookOutbox } from '#shared/webhooks/publish-event.ts';
import * as z from '#shared/zod.ts';

// Both are required: the stack sets verification on; only the local runtime sets it off.
const env = capabilityEnv('sesEvents:receive', {
  SES_EVENTS_TOPIC_ARN: z.string().check(z.minLength(1)),
  VERIFY_SNS_SIGNATURES: z.enum(['true', 'false']),
});

/**
 * SES configuration-set events (SNS → SQS) → email status, history, suppressions,
 * counters and reputation. Notifications from another topic, or (in production) without
 * a valid SNS signature, are dropped with a log line rather than retried.
 */
export const handler = queueWorker(
  async (record, _context, batch: EventBatch) => {
    const notification = snsEnvelopeSchema.parse(JSON.parse(record.body));
    if (notification.TopicArn !== env().SES_EVENTS_TOPIC_ARN) {
      logger.error('notification from an unexpected topic; dropped', { topicArn: notification.TopicArn });
      return;
    }
    if (env().VERIFY_SNS_SIGNATURES === 'true' && !(await hasValidSnsSignature(notification))) {
      logger.error('notification with an invalid SNS signature; dropped', {
        messageId: notification.MessageId,
      });
      return;
    }
    await recordSesEvent(
      notification.MessageId,
      sesEventSchema.parse(JSON.parse(notification.Message)),
      batch,
    );
  },
  // Daily counters, reputation buckets and webhook events of the batch, written once at its end.
  {
    start: () => ({ counters: new CounterBatch(), webhooks: new WebhookOutbox() }),
    finish: async (batch) => {
      await Promise.all([batch.counters.flush(), batch.webhooks.flush()]);
    },
  },
);
