import type { EmailStatus } from '#shared/emails/email-lifecycle.ts';
import type { SesEvent } from '#shared/events/ses-event.ts';

/** What one SES event means for its email. */
export interface EmailOutcome {
  /** The event's name in Mailroom's history (`delivered`, `bounced`, `opened`…). */
  type: string;
  /** The status it moves the email to, when stronger than the current one. */
  status?: EmailStatus;
  counter?: 'opens' | 'clicks';
  at: string;
  details: Record<string, unknown>;
  /** Recipients to put on the project's suppression list, and why. */
  suppress?: { reason: 'bounce' | 'complaint'; recipients: string[]; detail?: string };
  /** What the event adds to the account's 24-hour reputation window (its bounces and complaints). */
  reputation?: { bounces?: number; complaints?: number };
  /**
   * Recipients SES is done with (delivered, or bounced): each is counted as sent, in the
   * project's daily counter and the reputation window's denominator, when SES reports
   * on it, beside the bounces of the same report. (SES's `Send` event, the moment it
   * took the message, is not published: it would double the event traffic.)
   */
  sends?: number;
  /** How many recipients the event is about (for the daily counters). */
  recipientCount: number;
}

/** Maps an SES event (any of SES's event types) to its meaning for the email. */
export function interpretSesEvent(event: SesEvent): EmailOutcome {
  const at = event.mail.timestamp;
  switch (event.eventType) {
    case 'Delivery':
      return {
        type: 'delivered',
        status: 'delivered',
        at: event.delivery?.timestamp ?? at,
        details: { recipients: event.delivery?.recipients ?? [] },
        recipientCount: event.delivery?.recipients.length ?? 1,
        sends: event.delivery?.recipients.length ?? 1,
      };
    case 'DeliveryDelay':
      return {
        type: 'delivery_delayed',
        status: 'delivery_delayed',
        at: event.deliveryDelay?.timestamp ?? at,
        details: { delayType: event.deliveryDelay?.delayType },
        recipientCount: 1,
      };
    case 'Bounce': {
      const bounce = event.bounce;
      const recipients = bounce?.bouncedRecipients.map((recipient) => recipient.emailAddress) ?? [];
      // A hard bounce says the address is gone. SES's own account-level suppression
      // (OnAccountSuppressionList) says nothing new about this project's list.
      const lasting =
        bounce?.bounceType === 'Permanent' && bounce.bounceSubType !== 'OnAccountSuppressionList';
      return {
        // A Transient bounce is final for this message too (SES stopped retrying),
        // but it says nothing lasting about the address.
        type: bounce?.bounceType === 'Permanent' ? 'bounced' : 'soft_bounced',
        status: 'bounced',
        at: bounce?.timestamp ?? at,
        details: {
          bounceType: bounce?.bounceType,
          bounceSubType: bounce?.bounceSubType,
          recipients,
          diagnosticCode: bounce?.bouncedRecipients[0]?.diagnosticCode,
        },
        recipientCount: recipients.length,
        sends: recipients.length,
        ...(lasting
          ? {
              suppress: { reason: 'bounce' as const, recipients, detail: bounce?.bounceSubType },
              reputation: { bounces: recipients.length },
            }
          : {}),
      };
    }
    case 'Complaint': {
      const recipients =
        event.complaint?.complainedRecipients.map((recipient) => recipient.emailAddress) ?? [];
      return {
        type: 'complained',
        status: 'complained',
        at: event.complaint?.timestamp ?? at,
        details: { feedbackType: event.complaint?.complaintFeedbackType, recipients },
        suppress: { reason: 'complaint', recipients, detail: event.complaint?.complaintFeedbackType },
        reputation: { complaints: recipients.length },
        recipientCount: recipients.length,
      };
    }
    case 'Reject':
      return {
        type: 'rejected',
        status: 'rejected',
        at,
        details: { reason: event.reject?.reason },
        recipientCount: 1,
      };
    case 'Rendering Failure':
      return {
        type: 'failed',
        status: 'failed',
        at,
        details: { reason: event.failure?.errorMessage },
        recipientCount: 1,
      };
    case 'Open':
      return {
        type: 'opened',
        status: 'opened',
        counter: 'opens',
        at: event.open?.timestamp ?? at,
        details: {},
        recipientCount: 1,
      };
    case 'Click':
      return {
        type: 'clicked',
        status: 'clicked',
        counter: 'clicks',
        at: event.click?.timestamp ?? at,
        details: { link: event.click?.link },
        recipientCount: 1,
      };
    default:
      return { type: event.eventType.toLowerCase(), at, details: {}, recipientCount: 1 };
  }
}
