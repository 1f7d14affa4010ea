import { describe, expect, it } from 'vitest';
import { attachmentSchema, blockedExtensions, decodedSize } from '#shared/emails/attachments.ts';

describe('attachments', () => {
  const content = Buffer.from('hello world').toString('base64');

  it('accepts ordinary files and refuses the extensions SES refuses', () => {
    expect(attachmentSchema.safeParse({ filename: 'report.pdf', content }).success).toBe(true);
    for (const name of ['setup.exe', 'script.JS', 'macro.vbs', 'a.b.bat']) {
      expect(attachmentSchema.safeParse({ filename: name, content }).success, name).toBe(false);
    }
    expect(blockedExtensions.has('ps1')).toBe(true);
  });

  it('checks base64, media types and bare file names', () => {
    expect(attachmentSchema.safeParse({ filename: 'a.txt', content: 'abc' }).success).toBe(false);
    expect(attachmentSchema.safeParse({ filename: 'a.txt', content, content_type: 'text' }).success).toBe(
      false,
    );
    expect(attachmentSchema.safeParse({ filename: '../a.txt', content }).success).toBe(false);
    expect(attachmentSchema.safeParse({ filename: 'a.txt', content: `${content}\n` }).success).toBe(true);
  });

  it('knows the decoded size without decoding', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'abcd', 'hello world']) {
      expect(decodedSize(Buffer.from(text).toString('base64'))).toBe(text.length);
    }
  });
});
