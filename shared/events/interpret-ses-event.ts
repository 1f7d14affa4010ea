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
    case 'Open': {
      const automated = automatedOpen(event.open?.userAgent);
      return {
        type: 'opened',
        status: 'opened',
        counter: 'opens',
        at: event.open?.timestamp ?? at,
        details: {
          userAgent: bounded(event.open?.userAgent, 256),
          ipAddress: bounded(event.open?.ipAddress, 64),
          ...(automated ? { automated } : {}),
        },
        recipientCount: 1,
      };
    }
    case 'Click': {
      const automated = automatedClick(event.click?.userAgent, at, event.click?.timestamp);
      return {
        type: 'clicked',
        status: 'clicked',
        counter: 'clicks',
        at: event.click?.timestamp ?? at,
        details: {
          link: bounded(event.click?.link, 2048),
          linkTags: boundedTags(event.click?.linkTags),
          userAgent: bounded(event.click?.userAgent, 256),
          ipAddress: bounded(event.click?.ipAddress, 64),
          ...(automated ? { automated } : {}),
        },
        recipientCount: 1,
      };
    }
    default:
      return { type: event.eventType.toLowerCase(), at, details: {}, recipientCount: 1 };
  }
}

/** User agents of link scanners and prefetchers, which open and click mail no person read. */
const scannerAgent =
  /bot\b|crawler|spider|preview|scanner|barracuda|mimecast|proofpoint|safelinks|python-requests|curl\/|wget|go-http-client|java\/|okhttp|headless/i;

/**
 * Why an open looks automated, if it does: Apple Mail Privacy Protection fetches every
 * image through its proxy, whose user agent is a bare `Mozilla/5.0`, when the message
 * arrives, read or not; a scanner names itself. Such opens are still counted, and flagged.
 */
export function automatedOpen(userAgent: string | undefined): string | undefined {
  if (userAgent === undefined || userAgent.trim() === '') return 'no_user_agent';
  if (userAgent.trim() === 'Mozilla/5.0') return 'apple_mail_privacy_protection';
  if (scannerAgent.test(userAgent)) return 'scanner';
  return undefined;
}

/** Why a click looks automated: a scanner's user agent, or a click within 2 s of sending (a prefetch). */
export function automatedClick(
  userAgent: string | undefined,
  sentAt: string,
  clickedAt: string | undefined,
): string | undefined {
  if (userAgent !== undefined && scannerAgent.test(userAgent)) return 'scanner';
  if (clickedAt && Date.parse(clickedAt) - Date.parse(sentAt) < 2000) return 'prefetch';
  return undefined;
}

/**
 * Whoever fetches an image or a link sets its user agent (and the link may be long): each
 * is cut to a size, since every open and click adds a line to the email's record.
 */
const bounded = (value: string | undefined, max: number) => value?.slice(0, max);

function boundedTags(tags: Record<string, string[]> | undefined) {
  if (!tags) return undefined;
  return Object.fromEntries(
    Object.entries(tags)
      .slice(0, 10)
      .map(([name, values]) => [name.slice(0, 64), values.slice(0, 3).map((value) => value.slice(0, 256))]),
  );
}
