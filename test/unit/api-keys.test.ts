import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiKeyMode, generateApiKey, hashApiKey, sameDigest } from '#shared/auth/api-keys.ts';

describe('API keys', () => {
  it('makes ak_live_/ak_test_ keys of 64 hex characters, different every time', () => {
    const live = generateApiKey('live');
    const test = generateApiKey('test');
    expect(live.secret).toMatch(/^ak_live_[0-9a-f]{64}$/);
    expect(test.secret).toMatch(/^ak_test_[0-9a-f]{64}$/);
    expect(generateApiKey('live').secret).not.toBe(live.secret);
    expect(live).toMatchObject({ mode: 'live', prefix: 'ak_live_', lastFour: live.secret.slice(-4) });
  });

  it('stores only the SHA-256 of the key', () => {
    const key = generateApiKey('live');
    const expected = createHash('sha256').update(key.secret).digest('hex');
    expect(key.hash).toBe(expected);
    expect(hashApiKey(key.secret)).toBe(expected);
    expect(key.hash).not.toContain(key.secret.slice(8));
  });

  it('recognises the key shapes and nothing else', () => {
    expect(apiKeyMode(`ak_live_${'a'.repeat(64)}`)).toBe('live');
    expect(apiKeyMode(`ak_test_${'0'.repeat(64)}`)).toBe('test');
    for (const value of [
      '',
      'ak_live_',
      `ak_live_${'a'.repeat(63)}`,
      `ak_prod_${'a'.repeat(64)}`,
      `ak_live_${'A'.repeat(64)}`,
    ]) {
      expect(apiKeyMode(value)).toBeUndefined();
    }
  });

  it('compares digests in constant time, refusing different lengths', () => {
    const digest = hashApiKey('x');
    expect(sameDigest(digest, digest)).toBe(true);
    expect(sameDigest(digest, hashApiKey('y'))).toBe(false);
    expect(sameDigest(digest, digest.slice(0, 32))).toBe(false);
  });
});
