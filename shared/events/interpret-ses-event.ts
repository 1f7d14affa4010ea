import type { EmailStatus } from '#shared/emails/email-status.ts';
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
  suppress?: { reason: 'bounce' | 'complaint'; recipients: string[] };
}

/** Maps an SES event (any of SES's event types) to its meaning for the email. */
export function interpretSesEvent(event: SesEvent): EmailOutcome {
  const at = event.mail.timestamp;
  switch (event.eventType) {
    case 'Send':
      return { type: 'sent', status: 'sent', at, details: {} };
    case 'Delivery':
      return {
        type: 'delivered',
        status: 'delivered',
        at: event.delivery?.timestamp ?? at,
        details: { recipients: event.delivery?.recipients ?? [] },
      };
    case 'DeliveryDelay':
      return {
        type: 'delivery_delayed',
        status: 'delivery_delayed',
        at: event.deliveryDelay?.timestamp ?? at,
        details: { delayType: event.deliveryDelay?.delayType },
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
        ...(lasting ? { suppress: { reason: 'bounce' as const, recipients } } : {}),
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
        suppress: { reason: 'complaint', recipients },
      };
    }
    case 'Reject':
      return { type: 'rejected', status: 'rejected', at, details: { reason: event.reject?.reason } };
    case 'Rendering Failure':
      return { type: 'failed', status: 'failed', at, details: { reason: event.failure?.errorMessage } };
    case 'Open':
      return { type: 'opened', counter: 'opens', at: event.open?.timestamp ?? at, details: {} };
    case 'Click':
      return {
        type: 'clicked',
        counter: 'clicks',
        at: event.click?.timestamp ?? at,
        details: { link: event.click?.link },
      };
    default:
      return { type: event.eventType.toLowerCase(), at, details: {} };
  }
}
