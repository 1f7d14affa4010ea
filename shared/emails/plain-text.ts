import { convert } from 'html-to-text';
import { logger } from '#shared/logger.ts';

/**
 * The plain-text part mail clients and spam filters expect beside HTML, derived when the
 * sender composes the message (html-to-text is ~170 KB: the API functions stay lean).
 * HTML it cannot convert (nesting deep enough to exhaust the stack) goes out HTML-only
 * rather than not at all.
 */
/** Above this the text part is left out: a message this large is rarely read as text. */
const maxDerivedChars = 5 * 1024 * 1024;

export function textFromHtml(html: string, emailId: string): string | undefined {
  try {
    if (html.length > maxDerivedChars) {
      logger.warn('HTML too large to derive a plain-text part from; sending HTML only', { emailId });
      return undefined;
    }
    // Lines are never wrapped: a wrap cuts any word longer than the width, and a link cut
    // in two no longer works when clicked or copied (a token cut short is refused). Mail
    // clients wrap plain text as they show it, and quoted-printable keeps the message's
    // own lines within SMTP's limit (soft breaks, gone once decoded). Without a width the
    // work also stays linear: a wrap re-measures a long unbroken run (`<b>xxxx</b>`
    // repeated) again and again.
    return convert(html, {
      wordwrap: false,
      selectors: [{ selector: 'img', format: 'skip' }],
    });
  } catch (error) {
    logger.warn('could not derive a plain-text part; sending HTML only', { emailId, error });
    return undefined;
  }
}
