import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

/**
 * What SES does to a message whose open or click tracking is on: each link of the HTML
 * part (`http`/`https`, not marked `ses:no-track`) becomes a redirect through its own
 * tracking address, and an invisible image at the end of the HTML part reports the
 * open. `ses:tags="name:value;…"` on a link becomes the click event's `linkTags`.
 */
export interface TrackedLink {
  url: string;
  tags: Record<string, string[]>;
}

export interface Tracking {
  opens: boolean;
  clicks: boolean;
}

/** Header fields MailComposer writes itself when the message is built again. */
const builtHeaders = new Set([
  'content-type',
  'content-transfer-encoding',
  'mime-version',
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'message-id',
  'date',
  'reply-to',
]);

const entities: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' };

/** An attribute's link as a URL (entities decoded, percent-encoded as a browser sends it), if it is an http(s) one. */
function linkOf(attribute: string): string | undefined {
  const decoded = attribute.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) =>
    /^#x/i.test(name)
      ? String.fromCodePoint(Number.parseInt(name.slice(2), 16))
      : name.startsWith('#')
        ? String.fromCodePoint(Number(name.slice(1)))
        : (entities[name.toLowerCase()] ?? entity),
  );
  try {
    const url = new URL(decoded);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function linkTagsOf(anchor: string): Record<string, string[]> {
  const value = /\sses:tags\s*=\s*"([^"]*)"/i.exec(anchor)?.[1] ?? '';
  const tags: Record<string, string[]> = {};
  for (const pair of value.split(';')) {
    const [name, tag] = pair.split(':').map((part) => part.trim());
    if (name && tag) tags[name] = [tag];
  }
  return tags;
}

/** The HTML with its links rewritten to `clickUrl(n)` and the pixel `openUrl` added; the links, in order. */
export function trackHtml(
  html: string,
  tracking: Tracking,
  clickUrl: (index: number) => string,
  openUrl: string,
): { html: string; links: TrackedLink[] } {
  const links: TrackedLink[] = [];
  let out = html;
  if (tracking.clicks) {
    out = out.replace(/<a\b[^>]*>/gi, (anchor) => {
      if (/\sses:no-track\b/i.test(anchor)) return anchor;
      const href = /\shref\s*=\s*(["'])\s*(https?:\/\/[^"']+?)\s*\1/i.exec(anchor);
      const url = href ? linkOf(href[2] ?? '') : undefined;
      if (!href || !url) return anchor;
      links.push({ url, tags: linkTagsOf(anchor) });
      return anchor.replace(href[0], ` href="${clickUrl(links.length - 1)}"`);
    });
  }
  if (tracking.opens) {
    const pixel = `<img alt="" src="${openUrl}" style="display:none;width:1px;height:1px;border:0" width="1" height="1" />`;
    const end = out.search(/<\/body>/i);
    out = end === -1 ? `${out}${pixel}` : `${out.slice(0, end)}${pixel}${out.slice(end)}`;
  }
  return { html: out, links };
}

/**
 * The message as the recipient gets it with tracking on: the HTML part rewritten
 * (`trackHtml`), everything else as it was (text part, attachments, the sender's own
 * header fields). A message without an HTML part is left as it is.
 */
export async function trackMessage(
  raw: Buffer,
  tracking: Tracking,
  clickUrl: (index: number) => string,
  openUrl: string,
): Promise<{ raw: Buffer; links: TrackedLink[] }> {
  // cid: links kept as they are, and no text part invented for an HTML-only message.
  const parsed = await simpleParser(raw, { keepCidLinks: true, skipHtmlToText: true });
  if (!parsed.html) return { raw, links: [] };
  const { html, links } = trackHtml(parsed.html, tracking, clickUrl, openUrl);
  const headers = parsed.headerLines
    .filter(({ key }) => !builtHeaders.has(key.toLowerCase()))
    .map(({ line }) => {
      const colon = line.indexOf(':');
      return {
        key: line.slice(0, colon),
        value: line
          .slice(colon + 1)
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      };
    });
  const addresses = (field: typeof parsed.to) => (field ? [field].flat().map((one) => one.text) : undefined);
  const composer = new MailComposer({
    from: parsed.from?.text,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    replyTo: parsed.replyTo?.text,
    subject: parsed.subject,
    messageId: parsed.messageId,
    date: parsed.date,
    text: parsed.text || undefined,
    html,
    headers,
    attachments: parsed.attachments.map((file) => ({
      filename: file.filename,
      content: file.content,
      contentType: file.contentType,
      cid: file.cid,
    })),
  });
  return { raw: await composer.compile().build(), links };
}
