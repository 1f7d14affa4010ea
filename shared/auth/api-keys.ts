import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyMode } from '#shared/tenancy/scopes.ts';

export type { KeyMode };

const keyPattern = /^ak_(live|test)_[0-9a-f]{64}$/;

/** A freshly made key: the secret is shown once, only the hash is stored. */
export interface NewApiKey {
  readonly secret: string;
  readonly hash: string;
  readonly mode: KeyMode;
  /** What listings may show: `ak_live_` and the last four characters. */
  readonly prefix: string;
  readonly lastFour: string;
}

/** Makes an `ak_live_…`/`ak_test_…` key from 256 bits of randomness. */
export function generateApiKey(mode: KeyMode): NewApiKey {
  const secret = `ak_${mode}_${randomBytes(32).toString('hex')}`;
  return { secret, hash: hashApiKey(secret), mode, prefix: `ak_${mode}_`, lastFour: secret.slice(-4) };
}

/**
 * SHA-256 of the key, hex. Keys carry 256 random bits, so a fast unsalted hash is
 * enough: there is nothing to brute-force, and it lets a lookup go straight to the key.
 */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The key's mode when `value` has the shape of a Mailroom key, otherwise undefined. */
export function apiKeyMode(value: string): KeyMode | undefined {
  const match = keyPattern.exec(value);
  return match ? (match[1] as KeyMode) : undefined;
}

/** Constant-time equality of two hex digests, for checking a stored hash. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
