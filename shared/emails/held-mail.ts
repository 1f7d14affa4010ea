import { type EmailPayload, type SendMessage, storePayload } from '#shared/emails/email-payload.ts';
import { heldEmails, holdEmail, unhold } from '#shared/emails/email-store.ts';
import { requeueEmails } from '#shared/emails/requeue.ts';
import { logger } from '#shared/logger.ts';

/**
 * Sets a queued email aside while its account is not active, instead of sending or
 * dropping it: its payload goes to S3 and the email joins the account's held list.
 */
export async function holdForAccount(message: SendMessage, payload: EmailPayload): Promise<void> {
  const payloadKey = message.payloadKey ?? (await storePayload(message.emailId, payload));
  const held = await holdEmail(
    message.projectId,
    message.emailId,
    message.accountId,
    payloadKey,
    new Date().toISOString(),
  );
  if (held) logger.info('email held: its account is not active', { emailId: message.emailId });
}

/** Queues every held email of the account again (after the operator restores it). */
export async function releaseHeldEmails(accountId: string): Promise<number> {
  const held = await heldEmails(accountId);
  await requeueEmails(held, (email) => unhold(email.projectId, email.id));
  return held.length;
}
