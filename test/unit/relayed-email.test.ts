import { describe, expect, it } from 'vitest';
import { parseEmail } from '#shared/admission/admit-email.ts';
import { relayedEmailSchema } from '#shared/emails/send-email-schema.ts';
import { ApiError } from '#shared/errors.ts';

const relayed = {
  from: { address: 'app@example.com', name: 'App' },
  to: ['a@example.org'],
  cc: [],
  bcc: [],
  subject: '',
};

describe('the relayed-message schema', () => {
  it('takes what SMTP allows: an empty subject, recipients only in Bcc, a Sender mailbox', () => {
    const parsed = relayedEmailSchema.safeParse({
      ...relayed,
      to: [],
      bcc: ['hidden@example.org'],
      sender: { address: 'ops@example.com' },
    });
    expect(parsed.success).toBe(true);
  });

  it('holds the fields to the send schema’s rules: addresses, at most 50 recipients, tags', () => {
    const fieldOf = (input: unknown) => {
      const parsed = relayedEmailSchema.safeParse(input);
      return parsed.success ? undefined : parsed.error.issues[0]?.path.join('.');
    };
    expect(fieldOf({ ...relayed, from: { address: 'not an address' } })).toBe('from.address');
    expect(fieldOf({ ...relayed, sender: { address: 'not an address' } })).toBe('sender.address');
    expect(fieldOf({ ...relayed, to: [] })).toBe('to');
    const many = Array.from({ length: 26 }, (_, i) => `r${i}@example.org`);
    expect(fieldOf({ ...relayed, to: many, cc: many })).toBe('to');
    expect(fieldOf({ ...relayed, tags: { mailroom_id: 'x' } })).toBe('tags');
    expect(fieldOf({ ...relayed, html: '<p>x</p>' })).toBe('');
  });
});

describe('parseEmail', () => {
  it('answers a send request with the error the REST body check gives', () => {
    const refusal = (() => {
      try {
        parseEmail({ from: 'app@example.com', to: 'a@example.org', subject: 'x' });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({
      code: 'validation_error',
      message: 'html: html, text or template_id is required',
      details: { field: 'html' },
    });
  });
});
