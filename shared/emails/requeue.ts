import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { queueBody } from '#shared/aws/queue-body.ts';
import { sqs } from '#shared/aws/sqs.ts';
import { maxQueueDelaySeconds, type SendMessage } from '#shared/emails/email-payload.ts';
import type { EmailRecord } from '#shared/emails/email-store.ts';
import { capabilityEnv } from '#shared/env.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('sendQueue:send', { SEND_QUEUE_URL: z.string().check(z.url()) });

/**
 * Puts stored emails (payloads in S3 under `payloadKey`) back on the send queue, ten at a
 * time, each delayed to its `scheduledAt` (within SQS's 15 minutes), and calls `queued`
 * for each one the queue took. Used by the release sweep and by held-mail release; a
 * duplicate message is harmless, since the sender's claim lets one copy through.
 */
export async function requeueEmails(
  emails: (EmailRecord & { payloadKey: string })[],
  queued: (email: EmailRecord) => Promise<void>,
  now = Date.now(),
): Promise<void> {
  for (let start = 0; start < emails.length; start += 10) {
    const chunk = emails.slice(start, start + 10);
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: env().SEND_QUEUE_URL,
        Entries: chunk.map((email, index) => {
          const message: SendMessage = {
            emailId: email.id,
            projectId: email.projectId,
            accountId: email.accountId,
            payloadKey: email.payloadKey,
          };
          const delay = email.scheduledAt ? Math.ceil((Date.parse(email.scheduledAt) - now) / 1000) : 0;
          return {
            Id: String(index),
            MessageBody: queueBody(message),
            DelaySeconds: Math.min(maxQueueDelaySeconds, Math.max(0, delay)),
          };
        }),
      }),
    );
    const failed = new Set(Failed.map((entry) => entry.Id));
    for (const [index, email] of chunk.entries()) if (!failed.has(String(index))) await queued(email);
  }
}
