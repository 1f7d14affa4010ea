import { describe, expect, it } from 'vitest';
import { createDomainSchema } from '#shared/domains/domain-schema.ts';
import { toValidationError } from '#shared/validation.ts';

/** What `POST /api/v1/domains` answers for `body`'s domain: the validation error, or the name it keeps. */
function judge(body: unknown) {
  const parsed = createDomainSchema.safeParse(body);
  if (parsed.success) return { kept: parsed.data.domain };
  const error = toValidationError(parsed.error);
  return { status: error.statusCode, code: error.code, field: error.details.field };
}

describe('the domain a project adds', () => {
  it('refuses malformed names with a validation error on `domain`', () => {
    const bad = [
      'localhost',
      'mail.localhost',
      '192.168.1.1',
      '::1',
      'example.com.',
      `${'a'.repeat(64)}.com`,
      'no_underscores.com',
      'single',
      'https://example.com',
      '',
      'x'.repeat(1001),
    ];
    for (const domain of bad) {
      expect(judge({ domain }), domain.slice(0, 40)).toEqual({
        status: 400,
        code: 'validation_error',
        field: 'domain',
      });
    }
    expect(judge({ domain: 42 })).toMatchObject({ code: 'validation_error', field: 'domain' });
  });

  it('keeps a good name in lower case and punycode, with its Unicode form', () => {
    expect(judge({ domain: 'Mail.Bücher.DE' })).toEqual({
      kept: { ascii: 'mail.xn--bcher-kva.de', unicode: 'mail.bücher.de' },
    });
  });
});
