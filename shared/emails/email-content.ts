import { convert } from 'html-to-text';
import type { SendEmailInput } from '#shared/emails/send-email-schema.ts';
import { ValidationError } from '#shared/errors.ts';
import type { Caller } from '#shared/http/types.ts';
import { renderTemplate } from '#shared/templates/render-template.ts';
import { findTemplate } from '#shared/templates/template-service.ts';

export interface EmailContent {
  subject: string;
  html?: string;
  text?: string;
}

/** The plain-text part mail clients and spam filters expect beside HTML. */
export function textFromHtml(html: string): string {
  return convert(html, { wordwrap: 78, selectors: [{ selector: 'img', format: 'skip' }] });
}

/**
 * The email's subject and bodies: from its template when `template_id` is given (the
 * template wins over `html`; an explicit `subject` wins over the template's), filled
 * with `data`/`variables`; otherwise as sent. HTML without text gets a derived text part.
 */
export async function resolveContent(caller: Caller, input: SendEmailInput): Promise<EmailContent> {
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
  } else {
    content = { subject: input.subject, html: input.html, text: input.text };
  }
  if (content.subject === undefined) {
    throw new ValidationError('subject: is required (the template has none)', 'subject');
  }
  if (content.html !== undefined && content.text === undefined) content.text = textFromHtml(content.html);
  return content as EmailContent;
}
