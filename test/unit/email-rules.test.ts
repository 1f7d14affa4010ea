import { describe, expect, it } from 'vitest';
import {
  domainOf,
  formatMailbox,
  parseMailbox,
  withAsciiDomain,
  withUnicodeDomain,
} from '#shared/emails/address.ts';
import { statusesWeakerThan } from '#shared/emails/email-lifecycle.ts';
import { textFromHtml } from '#shared/emails/plain-text.ts';
import { sendEmailSchema } from '#shared/emails/send-email-schema.ts';
import { allows } from '#shared/tenancy/scopes.ts';

describe('email status order', () => {
  it('never lets a weaker event downgrade a stronger status', () => {
    expect(statusesWeakerThan('delivered')).toEqual(
      expect.arrayContaining(['queued', 'sent', 'delivery_delayed']),
    );
    expect(statusesWeakerThan('delivered')).not.toContain('bounced');
    expect(statusesWeakerThan('bounced')).toContain('delivered');
    expect(statusesWeakerThan('complained')).toContain('bounced');
    expect(statusesWeakerThan('sent')).toEqual(['queued', 'scheduled']);
    expect(statusesWeakerThan('complained')).not.toContain('test');
  });
});

describe('mailboxes', () => {
  it('parses display names and bare addresses', () => {
    expect(parseMailbox('Acme <noreply@acme.com>')).toEqual({ name: 'Acme', address: 'noreply@acme.com' });
    expect(parseMailbox('"Acme, Inc." <noreply@acme.com>')).toEqual({
      name: 'Acme, Inc.',
      address: 'noreply@acme.com',
    });
    expect(parseMailbox(' noreply@acme.com ')).toEqual({ address: 'noreply@acme.com' });
    expect(parseMailbox('<noreply@acme.com>')).toEqual({ address: 'noreply@acme.com' });
  });

  it('quotes or encodes a display name only when it must', () => {
    expect(formatMailbox({ name: 'Acme', address: 'a@acme.com' })).toBe('Acme <a@acme.com>');
    expect(formatMailbox({ name: 'Acme, Inc.', address: 'a@acme.com' })).toBe('"Acme, Inc." <a@acme.com>');
    expect(formatMailbox({ name: 'Zoë', address: 'a@acme.com' })).toBe('=?UTF-8?B?Wm/Dqw==?= <a@acme.com>');
    expect(formatMailbox({ address: 'a@acme.com' })).toBe('a@acme.com');
  });

  it('lower-cases only the domain', () => {
    expect(domainOf('Jane.Doe@Example.COM')).toBe('example.com');
  });

  it('spells an internationalised domain one way (ASCII), keeping the local part, and back for older keys', () => {
    expect(withAsciiDomain('Ana@Exämple.COM')).toBe('Ana@xn--exmple-cua.com');
    expect(withAsciiDomain('Ana@xn--exmple-cua.com')).toBe('Ana@xn--exmple-cua.com');
    expect(withAsciiDomain('Jane@Example.com')).toBe('Jane@example.com');
    expect(withUnicodeDomain('Ana@XN--exmple-cua.com')).toBe('Ana@exämple.com');
    expect(withUnicodeDomain('Jane@Example.com')).toBe('Jane@example.com');
  });
});

describe('send schema', () => {
  const base = { from: 'Acme <a@acme.com>', to: 'b@example.com', subject: 'Hi', text: 'x' };

  it('accepts a string or a list of recipients and splits the sender', () => {
    const parsed = sendEmailSchema.parse({ ...base, to: ['b@example.com', 'c@example.com'] });
    expect(parsed.from).toEqual({ name: 'Acme', address: 'a@acme.com' });
    expect(parsed.to).toEqual(['b@example.com', 'c@example.com']);
  });

  it('counts to, cc and bcc together against the 50-recipient limit', () => {
    const many = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}@example.com`);
    expect(sendEmailSchema.safeParse({ ...base, to: many(25, 't'), cc: many(25, 'c') }).success).toBe(true);
    expect(
      sendEmailSchema.safeParse({ ...base, to: many(25, 't'), cc: many(25, 'c'), bcc: 'x@example.com' })
        .success,
    ).toBe(false);
  });

  it('refuses tags SES would refuse', () => {
    expect(sendEmailSchema.safeParse({ ...base, tags: { kind: 'welcome-1' } }).success).toBe(true);
    expect(sendEmailSchema.safeParse({ ...base, tags: { kind: 'has space' } }).success).toBe(false);
    expect(sendEmailSchema.safeParse({ ...base, tags: { mailroom_email_id: 'em_x' } }).success).toBe(false);
  });
});

describe('scopes', () => {
  it('full_access allows all; read_only allows reads; sending_access allows sending only', () => {
    expect(allows(['full_access'], 'domains.write')).toBe(true);
    expect(allows(['read_only'], 'emails.read')).toBe(true);
    expect(allows(['read_only'], 'emails.send')).toBe(false);
    expect(allows(['sending_access'], 'emails.send')).toBe(true);
    expect(allows(['sending_access'], 'emails.batch')).toBe(true);
    expect(allows(['sending_access'], 'emails.read')).toBe(false);
    expect(allows(['emails.read'], 'emails.send')).toBe(false);
  });
});

describe('the derived plain-text part', () => {
  it('is derived in linear time from a long unbroken run (a quadratic wrap would take many seconds)', () => {
    const html = `<b>${'x'.repeat(38)}</b>`.repeat(52_000);
    const text = textFromHtml(html, 'em_test');
    expect(text).toBe('x'.repeat(38 * 52_000));
  });

  it('never cuts a link, however long, whether it is an href or written out in the text', () => {
    const link = `https://app.example.com/reset-password?token=${'Ab9'.repeat(40)}&user=42`;
    expect(link.length).toBeGreaterThan(150);
    const text =
      textFromHtml(
        `<h1>Reset</h1><p>Someone asked to reset the password of this account. <a href="${link}">Choose a new password</a> within the hour.</p><ul><li>Or copy ${link}</li></ul><blockquote><a href="${link}">again</a></blockquote><table><tr><td>${link}</td></tr></table>`,
        'em_test',
      ) ?? '';
    const lines = text.split('\n');
    expect(lines.filter((line) => line.includes(link))).toHaveLength(4);
    // No line holds a piece of the link without the whole of it.
    expect(lines.filter((line) => line.includes('Ab9Ab9') && !line.includes(link))).toEqual([]);
  });
});
