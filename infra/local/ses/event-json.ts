import { randomUUID } from 'node:crypto';

/**
 * SES configuration-set event JSON, field for field as SES publishes it to SNS
 * ("Examples of event data that Amazon SES publishes to Amazon SNS").
 */

/** What the events need to know about one sent message. */
export interface SentMail {
  messageId: string;
  timestamp: string;
  source: string;
  sourceArn: string;
  sendingAccountId: string;
  destination: string[];
  headers: { name: string; value: string }[];
  commonHeaders: Record<string, unknown>;
  tags: Record<string, string[]>;
}

const reportingMta = 'a8-70.smtp-out.amazonses.com';

function mailPart(mail: SentMail) {
  return {
    timestamp: mail.timestamp,
    source: mail.source,
    sourceArn: mail.sourceArn,
    sendingAccountId: mail.sendingAccountId,
    messageId: mail.messageId,
    destination: mail.destination,
    headersTruncated: false,
    headers: mail.headers,
    commonHeaders: mail.commonHeaders,
    tags: mail.tags,
  };
}

export function sendEvent(mail: SentMail) {
  return { eventType: 'Send', mail: mailPart(mail), send: {} };
}

export function deliveryEvent(mail: SentMail, recipients: string[], at: Date) {
  return {
    eventType: 'Delivery',
    mail: mailPart(mail),
    delivery: {
      timestamp: at.toISOString(),
      processingTimeMillis: at.getTime() - Date.parse(mail.timestamp),
      recipients,
      smtpResponse: '250 2.6.0 Message received',
      reportingMTA: reportingMta,
    },
  };
}

export function bounceEvent(
  mail: SentMail,
  recipient: string,
  at: Date,
  kind: 'General' | 'OnAccountSuppressionList',
) {
  const suppressed = kind === 'OnAccountSuppressionList';
  return {
    eventType: 'Bounce',
    mail: mailPart(mail),
    bounce: {
      feedbackId: `${mail.messageId.slice(0, 16)}-${randomUUID()}-000000`,
      bounceType: 'Permanent',
      bounceSubType: kind,
      bouncedRecipients: [
        suppressed
          ? {
              emailAddress: recipient,
              action: 'failed',
              status: '5.1.1',
              diagnosticCode:
                'Amazon SES did not send the message to this address because it is on the suppression list for your account.',
            }
          : {
              emailAddress: recipient,
              action: 'failed',
              status: '5.1.1',
              diagnosticCode: 'smtp; 550 5.1.1 user unknown',
            },
      ],
      timestamp: at.toISOString(),
      ...(suppressed ? {} : { reportingMTA: `dns; ${reportingMta}` }),
    },
  };
}

export function complaintEvent(mail: SentMail, recipient: string, at: Date) {
  return {
    eventType: 'Complaint',
    mail: mailPart(mail),
    complaint: {
      feedbackId: `${mail.messageId.slice(0, 16)}-${randomUUID()}-000000`,
      complaintSubType: null,
      complainedRecipients: [{ emailAddress: recipient }],
      timestamp: at.toISOString(),
      userAgent: 'Amazon SES Mailbox Simulator',
      complaintFeedbackType: 'abuse',
      arrivalDate: at.toISOString(),
    },
  };
}

/** A recipient's mail client loaded the open image (`userAgent` and `ipAddress` as the fetch came). */
export function openEvent(mail: SentMail, at: Date, userAgent: string, ipAddress: string) {
  return {
    eventType: 'Open',
    mail: mailPart(mail),
    open: { ipAddress, timestamp: at.toISOString(), userAgent },
  };
}

/** A recipient followed a tracked link. */
export function clickEvent(
  mail: SentMail,
  at: Date,
  link: { url: string; tags: Record<string, string[]> },
  userAgent: string,
  ipAddress: string,
) {
  return {
    eventType: 'Click',
    mail: mailPart(mail),
    click: { ipAddress, timestamp: at.toISOString(), userAgent, link: link.url, linkTags: link.tags },
  };
}
