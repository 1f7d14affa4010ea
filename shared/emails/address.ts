import { domainToASCII, domainToUnicode } from 'node:url';
import * as z from '#shared/zod.ts';

/**
 * A practical address check: one `@`, no spaces or angle brackets, a dotted domain.
 * Deliverability is SES's call; this only refuses what could never be an address.
 */
const addressPattern = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

export const emailAddress = z.string().check(
  z.trim(),
  z.maxLength(320),
  z.regex(addressPattern, 'must be a valid email address'),
  z.refine((address) => hasAsciiLocalPart(address), {
    message:
      'must have an ASCII local part (before the @): SES does not send to or from internationalised ones',
  }),
);

/** SES takes only 7-bit local parts (it has no SMTPUTF8); a domain may be internationalised. */
export function hasAsciiLocalPart(address: string): boolean {
  return !/[^\x20-\x7e]/.test(address.slice(0, address.lastIndexOf('@')));
}

/** `"Jane" <jane@example.com>`, `Jane <jane@example.com>` or a bare address. */
export interface Mailbox {
  name?: string;
  address: string;
}

const namedPattern = /^\s*(?:"?([^"<]*?)"?\s*)?<([^<>]+)>\s*$/;

/** Splits a mailbox string into its display name and address; the address is not yet checked. */
export function parseMailbox(value: string): Mailbox {
  const named = namedPattern.exec(value);
  if (!named) return { address: value.trim() };
  const name = named[1]?.trim();
  return name ? { name, address: (named[2] ?? '').trim() } : { address: (named[2] ?? '').trim() };
}

/** Display names made only of these characters need no quotes (RFC 5322 atoms and spaces). */
const plainName = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;

/** The RFC 5322 form SES expects, quoting the display name only when it must. */
export function formatMailbox({ name, address }: Mailbox): string {
  if (!name) return address;
  if (plainName.test(name)) return `${name} <${address}>`;
  // SES takes non-ASCII display names only as RFC 2047 encoded-words.
  if (/[^\x20-\x7e]/.test(name))
    return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?= <${address}>`;
  return `"${name.replace(/["\\]/g, '\\$&')}" <${address}>`;
}

/**
 * How a mailbox reads in Mailroom's records and answers, whatever the transport: the
 * name as written (no encoded-words), quoted only around RFC 5322 specials.
 */
export function displayMailbox({ name, address }: Mailbox): string {
  if (!name) return address;
  if (/[()<>[\]:;@\\,."]/.test(name)) return `"${name.replace(/["\\]/g, '\\$&')}" <${address}>`;
  return `${name} <${address}>`;
}

/** RFC 2047 encoded-words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`) back to text; other text is kept. */
function decodeWords(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
    (word, charset: string, encoding: string, text: string) => {
      try {
        const bytes =
          encoding.toUpperCase() === 'B'
            ? Buffer.from(text, 'base64')
            : Buffer.from(
                text
                  .replace(/_/g, ' ')
                  .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) =>
                    String.fromCharCode(Number.parseInt(hex, 16)),
                  ),
                'latin1',
              );
        return new TextDecoder(charset).decode(bytes);
      } catch {
        return word;
      }
    },
  );
}

/** A mailbox as the MIME carries it (`=?UTF-8?B?…?= <a@d>`) in the display form records and events use. */
export function displayOf(mailbox: string): string {
  const { name, address } = parseMailbox(mailbox);
  return displayMailbox({ name: name ? decodeWords(name) : undefined, address });
}

/**
 * The address with its domain in one form, lower-case ASCII (punycode for an
 * internationalised name: `a@exämple.com` → `a@xn--exmple-cua.com`), the local part as
 * written. Both spellings reach one mailbox, so the places that key on an address
 * (contacts, suppressions) key on this. A domain that is no valid name stays as written,
 * lower-cased.
 */
export function withAsciiDomain(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1).toLowerCase();
  return `${address.slice(0, at)}@${domainToASCII(domain) || domain}`;
}

/**
 * The address with an internationalised domain in Unicode (`a@exämple.com`): how such an
 * address was keyed before keys took the ASCII form, so records written then are still
 * found. The same as `withAsciiDomain` for every other address.
 */
export function withUnicodeDomain(address: string): string {
  const ascii = withAsciiDomain(address);
  const at = ascii.lastIndexOf('@');
  const domain = ascii.slice(at + 1);
  return `${ascii.slice(0, at)}@${(domain.includes('xn--') && domainToUnicode(domain)) || domain}`;
}

/** The domain part, lower-cased (domains are case-insensitive, local parts are not). */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
