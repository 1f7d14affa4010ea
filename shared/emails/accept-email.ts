import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { sqs } from '#shared/aws/sqs.ts';
import { authorizeSender } from '#shared/domains/sender-authorization.ts';
import { formatMailbox } from '#shared/emails/address.ts';
import { deleteEmail, type EmailRecord, putEmail } from '#shared/emails/email-store.ts';
import { asList, type SendEmailInput } from '#shared/emails/send-email-schema.ts';
import type { SendMessage } from '#shared/emails/send-message.ts';
import { readEnv } from '#shared/env.ts';
import type { Caller } from '#shared/http/types.ts';
import { newId } from '#shared/ids.ts';
import { logger } from '#shared/logger.ts';
import { queues } from '#shared/resources.ts';

const env = readEnv({ [queues.send.envVar]: z.string().url() });
const sendQueueUrl = env[queues.send.envVar] as string;

export interface AcceptedEmail {
  id: string;
  status: EmailRecord['status'];
}

/**
 * Accepts one email for delivery: checks the caller may send from its domain, stores
 * its record, then queues it for the sender.
 * A test key's email is stored with status `test` and never queued, so it never
 * reaches SES. If queueing fails the record is removed again and the error rethrown:
 * an email is either fully accepted or not at all.
 */
export async function acceptEmail(caller: Caller, input: SendEmailInput): Promise<AcceptedEmail> {
  await authorizeSender(caller, input.from.address);
  const now = new Date().toISOString();
  const from = formatMailbox({ name: input.from_name ?? input.from.name, address: input.from.address });
  const email: EmailRecord = {
    id: newId('email'),
    projectId: caller.projectId,
    accountId: caller.accountId,
    keyId: caller.id,
    mode: caller.mode,
    from,
    to: input.to,
    cc: asList(input.cc),
    bcc: asList(input.bcc),
    replyTo: asList(input.reply_to),
    subject: input.subject,
    tags: input.tags ?? {},
    status: caller.mode === 'test' ? 'test' : 'queued',
    opens: 0,
    clicks: 0,
    createdAt: now,
    updatedAt: now,
  };
  await putEmail(email);
  if (email.status === 'test') return { id: email.id, status: email.status };

  const message: SendMessage = {
    emailId: email.id,
    projectId: email.projectId,
    accountId: email.accountId,
    from,
    to: asList(email.to),
    cc: email.cc,
    bcc: email.bcc,
    replyTo: email.replyTo,
    subject: email.subject,
    html: input.html,
    text: input.text,
    tags: email.tags,
  };
  try {
    await sqs.send(new SendMessageCommand({ QueueUrl: sendQueueUrl, MessageBody: JSON.stringify(message) }));
  } catch (error) {
    logger.error('could not queue email; removing its record', { emailId: email.id, error });
    await deleteEmail(email.id);
    throw error;
  }
  return { id: email.id, status: email.status };
}
