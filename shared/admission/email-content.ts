import type { Principal } from '#shared/auth/principal.ts';
import type { SendEmailInput } from '#shared/emails/send-email-schema.ts';
import { ValidationError } from '#shared/errors.ts';
import { renderTemplate } from '#shared/templates/render-template.ts';
import { findTemplate } from '#shared/templates/template-service.ts';

export interface EmailContent {
  subject: string;
  html?: string;
  text?: string;
}

/**
 * The email's subject and bodies: from its template when `template_id` is given (the
 * template wins over `html`; an explicit `subject` wins over the template's), filled
 * with `data`/`variables`; otherwise as sent. (HTML without text gets its text part
 * when the sender composes the message.)
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
  } else {
    content = { subject: input.subject, html: input.html, text: input.text };
  }
  if (content.subject === undefined) {
    throw new ValidationError('subject: is required (the template has none)', 'subject');
  }
  return content as EmailContent;
}
