import { deliverEmail } from '#shared/emails/deliver-email.ts';
import { sendMessageSchema } from '#shared/emails/send-message.ts';
import { queueWorker } from '#shared/queue-worker.ts';

/** Send queue → SES. A message that cannot be read or sent is retried, then rests in the DLQ. */
export const handler = queueWorker(async (record) => {
  await deliverEmail(sendMessageSchema.parse(JSON.parse(record.body)));
});
