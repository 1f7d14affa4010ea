import { describe, expect, it } from 'vitest';
import { parseEmail } from '#shared/admission/admit-email.ts';
import { ApiError } from '#shared/errors.ts';

/**
 * `parseEmail` decides every refusal of a send request's body, over REST (`POST
 * /api/v1/emails`, each batch row) and for every other way in that sends a request.
 */
const valid = {
  from: 'App <app@example.com>',
  to: 'success@simulator.amazonses.com',
  subject: 'Hi',
  text: 'x',
};
const pdf = Buffer.from('%PDF-1.4 tiny test document').toString('base64');

/** What `parseEmail` refuses `body` with, in the contract's terms. */
function refusal(body: Record<string, unknown>) {
  try {
    parseEmail(body);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.statusCode, code: error.code, field: error.details.field, message: error.message };
  }
  throw new Error(`accepted: ${JSON.stringify(body).slice(0, 200)}`);
}

describe('parseEmail', () => {
  it('accepts a minimal request', () => {
    expect(parseEmail(valid)).toMatchObject({ subject: 'Hi', text: 'x' });
  });

  it('400 validation_error naming the field for missing or wrongly typed fields', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, from: undefined }, 'from'],
      [{ ...valid, to: undefined }, 'to'],
      [{ ...valid, to: 42 }, 'to'],
      [{ ...valid, to: 'not-an-address' }, 'to'],
      [{ ...valid, subject: ['x'] }, 'subject'],
      [{ ...valid, text: undefined }, 'html'],
      [{ ...valid, to: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`) }, 'to'],
    ];
    for (const [body, field] of cases) {
      expect(refusal(body), JSON.stringify(body).slice(0, 80)).toMatchObject({
        status: 400,
        code: 'validation_error',
        field,
      });
    }
  });

  it('refuses fields the platform does not carry yet, rather than dropping them', () => {
    expect(refusal({ ...valid, surprise: true })).toMatchObject({ status: 400, code: 'validation_error' });
  });

  it('refuses what SES would refuse, naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, attachments: [{ filename: 'run.exe', content: pdf }] }, 'attachments.0.filename'],
      [{ ...valid, attachments: [{ filename: 'a.pdf', content: 'not base64!' }] }, 'attachments.0.content'],
      [
        { ...valid, attachments: [{ filename: 'a.pdf', content: pdf, content_type: 'pdf' }] },
        'attachments.0.content_type',
      ],
      [
        { ...valid, attachments: Array.from({ length: 11 }, () => ({ filename: 'a.pdf', content: pdf })) },
        'attachments',
      ],
      [{ ...valid, headers: { 'X-Evil': 'a\r\nBcc: victim@example.com' } }, 'headers.X-Evil'],
      [{ ...valid, headers: { From: 'spoof@example.com' } }, 'headers.From'],
      [{ ...valid, scheduled_at: 'tomorrow' }, 'scheduled_at'],
      [{ ...valid, scheduled_at: new Date(Date.now() + 40 * 86_400_000).toISOString() }, 'scheduled_at'],
      [{ ...valid, tags: { 'bad tag': 'x' } }, 'tags'],
    ];
    for (const [body, field] of cases) {
      expect(refusal(body), field).toMatchObject({ status: 400, code: 'validation_error', field });
    }
  });

  it('refuses every header that steers SES, forges authentication or belongs to the MIME, naming it', () => {
    const refused = [
      'X-SES-CONFIGURATION-SET',
      'X-SES-MESSAGE-TAGS',
      'X-SES-SOURCE-ARN',
      'X-SES-FROM-ARN',
      'X-SES-RETURN-PATH-ARN',
      'x-ses-anything',
      'X-Mailroom-Tags',
      'DKIM-Signature',
      'ARC-Seal',
      'Authentication-Results',
      'Received',
      'Return-Path',
      'Resent-From',
      'Resent-Bcc',
      'Content-Disposition',
      'Content-Type',
      'MIME-Version',
      'Sender',
      'Message-ID',
      'Date',
    ];
    for (const name of refused) {
      expect(refusal({ ...valid, headers: { [name]: 'x' } }), name).toMatchObject({
        status: 400,
        code: 'validation_error',
        field: `headers.${name}`,
      });
    }
  });

  it('takes custom X- headers and the threading, list and priority ones', () => {
    const headers = {
      'X-Campaign': 'spring',
      'In-Reply-To': '<a@example.com>',
      References: '<a@example.com>',
      'List-Unsubscribe': '<https://example.com/u>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    };
    expect(parseEmail({ ...valid, headers }).headers).toEqual(headers);
  });

  it('refuses a non-ASCII local part on `to`, saying why (SES cannot deliver it)', () => {
    const refused = refusal({ ...valid, to: 'jörg@example.com' });
    expect(refused).toMatchObject({ status: 400, code: 'validation_error', field: 'to' });
    expect(refused.message).toMatch(/ASCII/);
  });
});
