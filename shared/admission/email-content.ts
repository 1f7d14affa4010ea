import type { Principal } from '#shared/auth/principal.ts';
import type { SendEmailInput } from '#shared/emails/send-email-schema.ts';
import { PayloadTooLargeError, ValidationError } from '#shared/errors.ts';
import { maxRenderedChars, renderTemplate } from '#shared/templates/render-template.ts';
import { findTemplate } from '#shared/templates/template-service.ts';

export interface EmailContent {
  subject: string;
  html?: string;
  text?: string;
}

/**
 * Bytes of an email's content as it will travel: subject, bodies and attachments (base64).
 * A rendered email may be no larger than a request could carry it without a template,
 * so a few hundred bytes of data never become a message of many megabytes.
 */
function contentBytes(content: Partial<EmailContent>, input: SendEmailInput): number {
  const text = [content.subject, content.html, content.text].reduce(
    (sum, part) => sum + (part === undefined ? 0 : Buffer.byteLength(part)),
    0,
  );
  return text + (input.attachments ?? []).reduce((sum, file) => sum + file.content.length, 0);
}

/**
 * The email's subject and bodies: from its template when `template_id` is given (the
 * template wins over `html`; an explicit `subject` wins over the template's), filled
 * with `data`/`variables`; otherwise as sent. (HTML without text gets its text part
 * when the sender composes the message.) A rendered email over what a REST request may
 * carry (10 MB) is refused with 413.
 */
export async function resolveContent(caller: Principal, input: SendEmailInput): Promise<EmailContent> {
  let content: Partial<EmailContent>;
  if (input.template_id !== undefined) {
    const template = await findTemplate(caller, input.template_id);
    const data = { ...input.variables, ...input.data };
    content = {
      subject:
        input.subject ??
        (template.subject === undefined ? undefined : renderTemplate(template.subject, data, false)),
      html: template.html === undefined ? undefined : renderTemplate(template.html, data, true),
      text: template.text === undefined ? undefined : renderTemplate(template.text, data, false),
    };
    if (contentBytes(content, input) > maxRenderedChars) {
      throw new PayloadTooLargeError(
        `The email renders to more than ${maxRenderedChars / 1024 / 1024} MB with this data, more than a request may carry; send larger emails, up to 40 MB, over SMTP.`,
      );
    }
  } else {
    content = { subject: input.subject, html: input.html, text: input.text };
  }
  if (content.subject === undefined) {
    throw new ValidationError('subject: is required (the template has none)', 'subject');
  }
  return content as EmailContent;
}
