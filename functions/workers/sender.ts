import { queueEmail } from '#shared/emails/send-queue.ts';
import { sendWorker } from '#shared/lambda/send-worker.ts';
import { queues } from '#shared/resources.ts';

/** Send queue → SES: transactional mail, with the whole of the account's sending rate. */
export const handler = sendWorker({
  requeue: queueEmail,
  share: () => 1,
  maxReceiveCount: queues.send.maxReceiveCount,
});
