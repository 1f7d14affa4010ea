import { describe, expect, it } from 'vitest';
import { contactCursor } from '#shared/contacts/contact-schema.ts';
import { emailCursor, listEmailsSchema } from '#shared/emails/list-emails-schema.ts';
import { pageCursor } from '#shared/pagination/page-cursor.ts';

describe('pageCursor', () => {
  it('names the last item of a page only when another page follows', () => {
    const cursor = pageCursor({ form: 'plain', valid: () => true });
    expect(cursor.after('b', true)).toBe('b');
    expect(cursor.after('b', false)).toBeNull();
    expect(cursor.after(undefined, true)).toBeNull();
  });

  it('keeps the wire forms clients already hold: an email id as it is, a contact address in base64url', () => {
    const id = 'em_01JD0000000000000000000000';
    expect(emailCursor.after(id, true)).toBe(id);
    expect(emailCursor.read(id)).toBe(id);
    const written = contactCursor.after('ann@example.com', true) ?? '';
    expect(written).toBe(Buffer.from('ann@example.com').toString('base64url'));
    expect(contactCursor.read(written)).toBe('ann@example.com');
  });

  it('refuses what it could not have written', () => {
    expect(emailCursor.read('dom_01JD0000000000000000000000')).toBeUndefined();
    expect(contactCursor.read('not a cursor')).toBeUndefined();
    // Same bytes, another spelling (padding): not one this list gave out.
    expect(contactCursor.read(`${Buffer.from('ann@example.com').toString('base64')}=`)).toBeUndefined();
    expect(contactCursor.read(Buffer.from('no-at-sign').toString('base64url'))).toBeUndefined();
  });

  it('answers a malformed cursor parameter with the list’s own message', () => {
    const parsed = listEmailsSchema.safeParse({ startingAfter: 'em_nope' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['startingAfter', 'must be an email id'],
    ]);
  });
});
