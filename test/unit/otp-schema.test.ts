import { describe, expect, it } from 'vitest';
import { sendOtpSchema, verifyOtpSchema } from '#shared/otp/otp-schema.ts';
import { toValidationError } from '#shared/validation.ts';

/** The field `POST /api/v1/otp/send` or `/verify` refuses `input` on, or undefined when it is taken. */
function refusedField(schema: typeof sendOtpSchema | typeof verifyOtpSchema, input: unknown) {
  const parsed = schema.safeParse(input);
  if (parsed.success) return undefined;
  const error = toValidationError(parsed.error);
  expect(error).toMatchObject({ code: 'validation_error', statusCode: 400 });
  return error.details.field;
}

describe('the OTP requests', () => {
  it('refuses a bad address, a purpose that is not a short label, and a code that is not six digits', () => {
    expect(refusedField(sendOtpSchema, { email: 'nope' })).toBe('email');
    expect(refusedField(sendOtpSchema, { email: 'a@example.com', purpose: 'a b' })).toBe('purpose');
    expect(refusedField(verifyOtpSchema, { email: 'a@example.com', code: '12345' })).toBe('code');
    expect(refusedField(verifyOtpSchema, { email: 'a@example.com', code: '12345a' })).toBe('code');
  });

  it('takes a listId only with purpose "subscribe"', () => {
    expect(refusedField(sendOtpSchema, { email: 'a@example.com', listId: 'lst_1' })).toBe('listId');
    expect(
      refusedField(sendOtpSchema, { email: 'a@example.com', listId: 'lst_1', purpose: 'subscribe' }),
    ).toBe(undefined);
  });

  it('folds the purpose to lower case and defaults it', () => {
    expect(sendOtpSchema.parse({ email: 'a@example.com' }).purpose).toBe('default');
    expect(
      verifyOtpSchema.parse({ email: 'a@example.com', code: ' 123456 ', purpose: 'Login' }),
    ).toMatchObject({
      code: '123456',
      purpose: 'login',
    });
  });
});
