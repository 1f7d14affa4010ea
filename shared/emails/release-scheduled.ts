import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { sqs } from '#shared/aws/sqs.ts';
import { maxQueueDelaySeconds, payloadKeyOf, type SendMessage } from '#shared/emails/email-payload.ts';
import { dueForRelease, markReleased } from '#shared/emails/email-store.ts';
import { readEnv } from '#shared/env.ts';
import { logger } from '#shared/logger.ts';
import { queues } from '#shared/resources.ts';

const env = readEnv({ [queues.send.envVar]: z.string().url() });
const sendQueueUrl = env[queues.send.envVar] as string;

/**
 * The release sweep: emails scheduled beyond SQS's 15-minute delay wait in the table
 * (payload in S3); each run queues those due within the next 14 minutes, delayed to
 * their exact time, and takes them off the sweep. Releasing one twice is harmless: the
 * sender's claim lets only one copy through.
 */
export async function releaseScheduledEmails(now = Date.now()): Promise<number> {
  const horizon = new Date(now + (maxQueueDelaySeconds - 60) * 1000).toISOString();
  const due = await dueForRelease(horizon);
  for (let start = 0; start < due.length; start += 10) {
    const chunk = due.slice(start, start + 10);
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: sendQueueUrl,
        Entries: chunk.map((email, index) => {
          const message: SendMessage = {
            emailId: email.id,
            projectId: email.projectId,
            accountId: email.accountId,
            payloadKey: payloadKeyOf(email.id),
          };
          const delay = Math.ceil((Date.parse(email.scheduledAt ?? '') - now) / 1000);
          return {
            Id: String(index),
            MessageBody: JSON.stringify(message),
            DelaySeconds: Math.min(maxQueueDelaySeconds, Math.max(0, delay)),
          };
        }),
      }),
    );
    const failed = new Set(Failed.map((entry) => entry.Id));
    for (const [index, email] of chunk.entries()) {
      if (failed.has(String(index)))
        logger.warn('could not release scheduled email; next sweep retries', { emailId: email.id });
      else await markReleased(email.id);
    }
  }
  return due.length;
}
