/** How much of a text field (a template's HTML, a campaign's content) an agent is shown. */
export const maxTextChars = 2_000;

/**
 * Text that came from email content, not from Mailroom: an agent must read it as data,
 * never as instructions (a template or an email can say anything). Long text is cut.
 */
export function untrusted(
  text: string | null | undefined,
): { untrusted_content: string; truncated: boolean } | null {
  if (text === null || text === undefined) return null;
  return { untrusted_content: text.slice(0, maxTextChars), truncated: text.length > maxTextChars };
}
