import { convert } from 'html-to-text';
import { logger } from '#shared/logger.ts';

/**
 * The plain-text part mail clients and spam filters expect beside HTML, derived when the
 * sender composes the message (html-to-text is ~170 KB: the API functions stay lean).
 * HTML it cannot convert (nesting deep enough to exhaust the stack) goes out HTML-only
 * rather than not at all.
 */
export function textFromHtml(html: string, emailId: string): string | undefined {
  try {
    return convert(html, { wordwrap: 78, selectors: [{ selector: 'img', format: 'skip' }] });
  } catch (error) {
    logger.warn('could not derive a plain-text part; sending HTML only', { emailId, error });
    return undefined;
  }
}
