import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { EmailPayload } from '#shared/emails/email-payload.ts';
import { textFromHtml } from '#shared/emails/plain-text.ts';

/**
 * The RFC 5322 message for a payload, built by nodemailer's MailComposer (or, from the
 * SMTP relay, the client's own message). HTML without text gets a derived text part.
 * Bcc goes to the SES envelope only: MailComposer leaves the Bcc header out, and the
 * relay strips it on acceptance.
 */
export function composeMime(payload: EmailPayload, emailId: string): Promise<Buffer> {
  if (payload.raw !== undefined) return Promise.resolve(Buffer.from(payload.raw, 'base64'));
  const composer = new MailComposer({
    from: payload.from,
    to: payload.to,
    cc: payload.cc,
    bcc: payload.bcc,
    replyTo: payload.replyTo.length > 0 ? payload.replyTo : undefined,
    subject: payload.subject,
    html: payload.html,
    text: payload.text ?? (payload.html === undefined ? undefined : textFromHtml(payload.html, emailId)),
    headers: payload.headers,
    attachments: payload.attachments.map((attachment) => ({
      filename: attachment.filename,
      content: attachment.content,
      encoding: 'base64',
      contentType: attachment.contentType,
      cid: attachment.contentId,
    })),
  });
  return composer.compile().build();
}
