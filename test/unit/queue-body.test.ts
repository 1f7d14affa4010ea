import { describe, expect, it } from 'vitest';
import { queueBody } from '#shared/aws/queue-body.ts';
import { displayMailbox, displayOf } from '#shared/emails/address.ts';

describe('queue bodies', () => {
  it('hold no character beyond U+FFFF and parse back to the same value', () => {
    const value = { subject: 'Launch 🚀 to the 🌕', text: 'Ünïcødé 𝒳 and 中文', nested: ['🎉'] };
    const body = queueBody(value);
    expect(body).not.toMatch(/[\u{10000}-\u{10FFFF}]/u);
    expect(body).toContain('\\ud83d\\ude80');
    expect(JSON.parse(body)).toEqual(value);
  });
});

describe('display mailboxes', () => {
  it('keep the name as written, quoting it only around specials', () => {
    expect(displayMailbox({ name: 'Zoë 🚀', address: 'a@example.com' })).toBe('Zoë 🚀 <a@example.com>');
    expect(displayMailbox({ name: 'Acme, Inc.', address: 'a@example.com' })).toBe(
      '"Acme, Inc." <a@example.com>',
    );
    expect(displayMailbox({ address: 'a@example.com' })).toBe('a@example.com');
  });

  it('read back from the MIME form, encoded-words decoded', () => {
    expect(displayOf('=?UTF-8?B?Wm/DqyDwn5qA?= <app@example.com>')).toBe('Zoë 🚀 <app@example.com>');
    expect(displayOf('=?utf-8?Q?Zo=C3=AB_Smith?= <app@example.com>')).toBe('Zoë Smith <app@example.com>');
    expect(displayOf('"Acme, Inc." <a@example.com>')).toBe('"Acme, Inc." <a@example.com>');
    expect(displayOf('a@example.com')).toBe('a@example.com');
  });
});
