import { recordSesEvent } from '#shared/events/record-ses-event.ts';
import { sesEventSchema, snsEnvelopeSchema } from '#shared/events/ses-event.ts';
import { queueWorker } from '#shared/queue-worker.ts';

/** SES configuration-set events (SNS → SQS) → email status and history. */
export const handler = queueWorker(async (record) => {
  const notification = snsEnvelopeSchema.parse(JSON.parse(record.body));
  await recordSesEvent(notification.MessageId, sesEventSchema.parse(JSON.parse(notification.Message)));
});
