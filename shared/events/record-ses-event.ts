import { advanceStatus, countEngagement, putEmailEvent } from '#shared/emails/email-store.ts';
import { systemTags } from '#shared/emails/system-tags.ts';
import { interpretSesEvent } from '#shared/events/interpret-ses-event.ts';
import type { SesEvent } from '#shared/events/ses-event.ts';
import { logger } from '#shared/logger.ts';
import { addSuppression } from '#shared/suppressions/suppression-store.ts';

/**
 * Applies one SES event to its email: stores it in the email's history (once per SNS
 * message, so a duplicate delivery changes nothing), then strengthens the status (and
 * records SES's MessageId) or counts the open or click, and suppresses hard-bounced and
 * complaining recipients. Events of mail Mailroom did not send are ignored.
 */
export async function recordSesEvent(notificationId: string, event: SesEvent): Promise<void> {
  const emailId = event.mail.tags[systemTags.emailId]?.[0];
  if (!emailId) {
    logger.warn('SES event without a Mailroom email id; ignored', { messageId: event.mail.messageId });
    return;
  }
  const outcome = interpretSesEvent(event);
  const fresh = await putEmailEvent(emailId, notificationId, {
    type: outcome.type,
    createdAt: outcome.at,
    details: outcome.details,
  });
  if (!fresh) return;
  const now = new Date().toISOString();
  if (outcome.status) {
    const failureReason =
      outcome.status === 'failed' || outcome.status === 'rejected'
        ? String(outcome.details.reason)
        : undefined;
    await advanceStatus(emailId, outcome.status, now, { failureReason, messageId: event.mail.messageId });
  }
  if (outcome.counter) await countEngagement(emailId, outcome.counter, now);
  const projectId = event.mail.tags[systemTags.projectId]?.[0];
  if (outcome.suppress && projectId) {
    for (const email of outcome.suppress.recipients) {
      await addSuppression(projectId, {
        email,
        reason: outcome.suppress.reason,
        sourceEmailId: emailId,
        createdAt: now,
      });
    }
  }
}
