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
    // Splitting long words at the wrap width keeps the work linear: left whole, a long
    // unbroken run (`<b>xxxx</b>` repeated) is re-measured again and again.
    return convert(html, {
      wordwrap: 78,
      longWordSplit: { forceWrapOnLimit: true },
      selectors: [{ selector: 'img', format: 'skip' }],
    });
  } catch (error) {
    logger.warn('could not derive a plain-text part; sending HTML only', { emailId, error });
    return undefined;
  }
}
