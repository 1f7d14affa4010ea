import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { sqs } from '#shared/aws/sqs.ts';
import { type EmailPayload, type SendMessage, storePayload } from '#shared/emails/email-payload.ts';
import { heldEmails, holdEmail, unhold } from '#shared/emails/email-store.ts';
import { readEnv } from '#shared/env.ts';
import { logger } from '#shared/logger.ts';
import { queues } from '#shared/resources.ts';

const env = readEnv({ [queues.send.envVar]: z.string().url() });
const sendQueueUrl = env[queues.send.envVar] as string;

/**
 * Sets a queued email aside while its account is not active, instead of sending or
 * dropping it: its payload goes to S3 and the email joins the account's held list.
 */
export async function holdForAccount(message: SendMessage, payload: EmailPayload): Promise<void> {
  const payloadKey = message.payloadKey ?? (await storePayload(message.emailId, payload));
  const held = await holdEmail(message.emailId, message.accountId, payloadKey, new Date().toISOString());
  if (held) logger.info('email held: its account is not active', { emailId: message.emailId });
}

/** Queues every held email of the account again (after the operator restores it). */
export async function releaseHeldEmails(accountId: string): Promise<number> {
  const held = await heldEmails(accountId);
  for (let start = 0; start < held.length; start += 10) {
    const chunk = held.slice(start, start + 10);
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: sendQueueUrl,
        Entries: chunk.map((email, index) => {
          const message: SendMessage = {
            emailId: email.id,
            projectId: email.projectId,
            accountId: email.accountId,
            payloadKey: email.payloadKey,
          };
          const delay = email.scheduledAt
            ? Math.ceil((Date.parse(email.scheduledAt) - Date.now()) / 1000)
            : 0;
          return {
            Id: String(index),
            MessageBody: JSON.stringify(message),
            DelaySeconds: Math.min(900, Math.max(0, delay)),
          };
        }),
      }),
    );
    const failed = new Set(Failed.map((entry) => entry.Id));
    for (const [index, email] of chunk.entries()) if (!failed.has(String(index))) await unhold(email.id);
  }
  return held.length;
}
