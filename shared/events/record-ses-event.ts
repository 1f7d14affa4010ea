import { advanceStatus, countEngagement, putEmailEvent } from '#shared/emails/email-store.ts';
import { systemTags } from '#shared/emails/send-message.ts';
import { interpretSesEvent } from '#shared/events/interpret-ses-event.ts';
import type { SesEvent } from '#shared/events/ses-event.ts';
import { logger } from '#shared/logger.ts';

/**
 * Applies one SES event to its email: stores it in the email's history (once per SNS
 * message, so a duplicate delivery changes nothing), then strengthens the status or
 * counts the open or click. Events of mail Mailroom did not send are ignored.
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
    await advanceStatus(emailId, outcome.status, now, failureReason ? { failureReason } : {});
  }
  if (outcome.counter) await countEngagement(emailId, outcome.counter, now);
}
