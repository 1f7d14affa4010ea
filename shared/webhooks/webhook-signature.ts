import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new signing secret, `whsec_` and 32 random bytes in hex. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

/** `X-Webhook-Signature`: the hex HMAC-SHA256 of the raw body with the webhook's secret. */
export function signWebhookBody(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** What a receiver does: recompute the signature and compare in constant time. */
export function verifyWebhookSignature(secret: string, body: string, signature: string): boolean {
  // Exactly 64 hex digits: Buffer.from(hex) would stop quietly at the first other character.
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = Buffer.from(signWebhookBody(secret, body), 'hex');
  const given = Buffer.from(signature, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
