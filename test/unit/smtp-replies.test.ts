import { describe, expect, it } from 'vitest';
import { ApiError } from '#shared/errors.ts';
import { IdempotencyInProgressError } from '#shared/idempotency/idempotency-store.ts';
import { KeyWithdrawnError, replyFor } from '../../functions/smtp/smtp-replies.ts';

const sdkError = (name: string, fault: 'client' | 'server') =>
  Object.assign(new Error(name), { name, $fault: fault });

describe('SMTP replies', () => {
  it('ask clients to retry only what a later attempt may get past', () => {
    for (const error of [
      sdkError('ThrottlingException', 'client'),
      sdkError('InternalServerError', 'server'),
      Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      new ApiError('rate_limited', 'Slow down.'),
      new IdempotencyInProgressError(),
    ]) {
      expect(replyFor(error).responseCode, String(error)).toBeGreaterThanOrEqual(400);
      expect(replyFor(error).responseCode, String(error)).toBeLessThan(500);
    }
  });

  it('refuse for good what retrying cannot fix', () => {
    for (const error of [
      sdkError('EntityTooLarge', 'client'),
      sdkError('ValidationException', 'client'),
      new TypeError('undefined is not a function'),
      new ApiError('domain_not_verified', 'Verify it first.'),
    ]) {
      expect(replyFor(error).responseCode, String(error)).toBeGreaterThanOrEqual(500);
    }
  });

  it('answer a key revoked since AUTH as an authentication failure, at MAIL FROM or DATA alike', () => {
    const reply = replyFor(new KeyWithdrawnError());
    expect(reply.responseCode).toBe(535);
    expect(reply.message).toMatch(/^5\.7\.8 /);
  });
});
