import { sendQueueBatch } from '#shared/aws/queue-batch.ts';
import { maxQueueDelaySeconds, type SendMessage } from '#shared/emails/email-payload.ts';
import type { EmailRecord } from '#shared/emails/email-store.ts';
import { capabilityEnv } from '#shared/env.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('sendQueue:send', { SEND_QUEUE_URL: z.string().check(z.url()) });

/**
 * Puts stored emails (payloads in S3 under `payloadKey`) back on the send queue, each
 * delayed to its `scheduledAt` (within SQS's 15 minutes), and answers those the queue
 * took. Used by the release sweep and by the release of held mail; a duplicate message
 * is harmless, since the sender's claim lets one copy through.
 */
export async function requeueEmails<E extends EmailRecord & { payloadKey: string }>(
  emails: E[],
  now = Date.now(),
): Promise<E[]> {
  const refused = await sendQueueBatch(
    env().SEND_QUEUE_URL,
    emails.map((email) => {
      const message: SendMessage = {
        emailId: email.id,
        projectId: email.projectId,
        accountId: email.accountId,
        payloadKey: email.payloadKey,
      };
      const delay = email.scheduledAt ? Math.ceil((Date.parse(email.scheduledAt) - now) / 1000) : 0;
      return { body: message, delaySeconds: Math.min(maxQueueDelaySeconds, Math.max(0, delay)) };
    }),
  );
  const failed = new Set(refused.map((entry) => entry.index));
  return emails.filter((_, index) => !failed.has(index));
}
