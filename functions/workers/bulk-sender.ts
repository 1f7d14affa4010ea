import { bulkSendShare } from '#shared/campaigns/campaign-pacing.ts';
import { queueBulkEmail } from '#shared/emails/send-queue.ts';
import { sendWorker } from '#shared/lambda/send-worker.ts';
import { queues } from '#shared/resources.ts';

/** Bulk send queue → SES: campaign mail, within the campaigns' share of the account's sending rate. */
export const handler = sendWorker({
  requeue: queueBulkEmail,
  share: bulkSendShare,
  maxReceiveCount: queues.bulkSend.maxReceiveCount,
});
