import { confirmParameter } from '#shared/campaigns/unsubscribe-token.ts';

/** Who one campaign email goes to: what its merge fields are filled with. */
export interface CampaignRecipient {
  contactId: string;
  email: string;
  name?: string;
}

const mergeField = /\{\{\s*(name|email|unsubscribe_url)\s*\}\}/g;
const unsubscribeField = /\{\{\s*unsubscribe_url\s*\}\}/;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The public unsubscribe link for a token, on the API the campaign was launched through. */
export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/api/v1/unsubscribe?token=${encodeURIComponent(token)}`;
}

/**
 * The `List-Unsubscribe` header's address: the same token, marked so that opening it
 * (GET) changes nothing and only asks, while the mail client's one-click POST applies it.
 * Security gateways and previews fetch the header's address unasked; the body's link is
 * opened by the reader, so it applies on opening.
 */
export function headerUnsubscribeUrl(publicUrl: string, token: string): string {
  return `${unsubscribeUrl(publicUrl, token)}&${confirmParameter}=1`;
}

/** The one-click unsubscribe headers (RFC 2369, RFC 8058) for a token. */
export function unsubscribeHeaders(publicUrl: string, token: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${headerUnsubscribeUrl(publicUrl, token)}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/**
 * Fills `{{name}}`, `{{email}}` and `{{unsubscribe_url}}` (HTML-escaped in HTML, on one
 * line in a subject); any other `{{…}}` is left as written.
 */
export function mergeFields(
  template: string,
  values: { name: string; email: string; unsubscribe_url: string },
  as: 'html' | 'subject',
): string {
  return template.replace(mergeField, (_, field: keyof typeof values) =>
    as === 'html' ? escapeHtml(values[field]) : values[field].replace(/[\r\n]+/g, ' '),
  );
}

/**
 * The HTML of one campaign email: merged, with a short unsubscribe footer when the
 * content offers no `{{unsubscribe_url}}` of its own. Every link to the unsubscribe
 * address (the footer's or the content's) is marked `ses:no-track`, so SES click
 * tracking never rewrites it.
 */
export function campaignHtml(
  content: string,
  values: { name: string; email: string; unsubscribe_url: string },
) {
  const merged = mergeFields(content, values, 'html');
  if (unsubscribeField.test(content)) return untrackedUnsubscribe(merged, escapeHtml(values.unsubscribe_url));
  const footer = `<p style="font-size:12px;color:#666;margin-top:32px">You are receiving this email because you subscribed to this list. <a href="${escapeHtml(values.unsubscribe_url)}" ses:no-track>Unsubscribe</a></p>`;
  const bodyEnd = merged.search(/<\/body>/i);
  return bodyEnd === -1
    ? `${merged}\n${footer}`
    : `${merged.slice(0, bodyEnd)}${footer}${merged.slice(bodyEnd)}`;
}

/** Marks every link to the unsubscribe address `ses:no-track`, so no tracker ever stands between a reader and it. */
function untrackedUnsubscribe(html: string, escapedLink: string): string {
  return html.replace(/<a\b[^>]*>/gi, (anchor) =>
    anchor.includes(escapedLink) && !/\sses:no-track\b/i.test(anchor)
      ? anchor.replace(/^<a\b/i, '<a ses:no-track')
      : anchor,
  );
}
