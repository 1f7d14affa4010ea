import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMime } from '#shared/emails/compose-mime.ts';
import type { EmailPayload } from '#shared/emails/email-payload.ts';

const payload = (html: string): EmailPayload => ({
  from: 'Acme <hello@acme.example>',
  to: ['someone@example.com'],
  cc: [],
  bcc: [],
  replyTo: [],
  subject: 'Hello',
  html,
  headers: {},
  tags: {},
  attachments: [],
});

describe('composing the message', () => {
  it('adds a plain-text part derived from HTML-only mail', async () => {
    const mime = (
      await composeMime(payload('<h1>Welcome</h1><p>Your code is <b>1234</b>.</p>'), 'em_1')
    ).toString();
    expect(mime).toContain('multipart/alternative');
    expect(mime).toMatch(/Content-Type: text\/plain[\s\S]*WELCOME[\s\S]*Your code is 1234\./);
  });

  it('keeps a long link on one line of the derived text part, once the message is decoded', async () => {
    const link = `https://app.example.com/reset-password?token=${'Zq7'.repeat(45)}`;
    const mime = await composeMime(
      payload(`<p>Hello, use <a href="${link}">this link</a> to reset your password. ${link}</p>`),
      'em_3',
    );
    const parsed = await simpleParser(mime);
    const lines = (parsed.text ?? '').split(/\r?\n/);
    expect(lines.filter((line) => line.includes(link))).toHaveLength(1);
    expect((parsed.text ?? '').split(link)).toHaveLength(3);
  });

  it('sends HTML it cannot convert as HTML only, instead of failing the email', async () => {
    const nested = `${'<div>'.repeat(20_000)}deep${'</div>'.repeat(20_000)}`;
    const mime = (await composeMime(payload(nested), 'em_2')).toString();
    expect(mime).toContain('Content-Type: text/html');
    expect(mime).not.toContain('Content-Type: text/plain');
  });
});
