import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';

/** A sending domain in both forms: SES and DNS take `ascii` (punycode); people read `unicode`. */
export interface DomainName {
  ascii: string;
  unicode: string;
}

const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Checks and normalises a domain a team wants to send from. Upper case is folded and
 * internationalised names become punycode; anything SES could not verify as a domain
 * identity is refused with the reason: IP addresses, single labels, `localhost`,
 * trailing dots, labels over 63 characters, names over 253.
 */
export function parseDomainName(input: string): DomainName | { problem: string } {
  const trimmed = input.trim();
  if (trimmed.length === 0) return { problem: 'must not be empty' };
  if (trimmed.endsWith('.')) return { problem: 'must not end with a dot' };
  if (isIP(trimmed) !== 0 || /^\[.*\]$/.test(trimmed))
    return { problem: 'must be a domain name, not an IP address' };
  if (/[\s/@:?#*]/.test(trimmed)) return { problem: 'must be a bare domain such as example.com' };
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (ascii === '') return { problem: 'is not a valid domain name' };
  if (ascii.length > 253) return { problem: 'must be at most 253 characters long' };
  const labels = ascii.split('.');
  if (labels.at(-1) === 'localhost') return { problem: 'must not be localhost' };
  if (labels.length < 2) return { problem: 'must have at least two labels, such as example.com' };
  if (labels.some((part) => part.length > 63)) return { problem: 'has a label longer than 63 characters' };
  if (!labels.every((part) => label.test(part))) return { problem: 'is not a valid domain name' };
  if (/^\d+$/.test(labels.at(-1) ?? '')) return { problem: 'must be a domain name, not an IP address' };
  return { ascii, unicode: domainToUnicode(ascii) };
}

/** The domain and each parent with at least two labels: `a.b.example.com` → itself, `b.example.com`, `example.com`. */
export function domainAndParents(domain: string): string[] {
  const labels = domain.split('.');
  return labels.slice(0, -1).map((_, index) => labels.slice(index).join('.'));
}
