import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { TtlCache } from '#shared/cache/ttl-cache.ts';
import { capabilityEnv } from '#shared/env.ts';
import { settings } from '#shared/settings.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('secrets:signingKeys', { SIGNING_SECRET_ARN: z.string().check(z.minLength(1)) });

/** The secret's value: which key signs now, and every key by id (old ones still verify). */
const secretValue = z
  .looseObject({ current: z.string() })
  .check(z.refine((value) => typeof value[value.current] === 'string', 'current names no key'));

export interface SigningKeys {
  /** The id of the key new signatures use. */
  currentId: string;
  /** A key by id, when the secret holds it. */
  key(id: string): string | undefined;
}

/** An instance's copy of the keys: a key added to the secret signs everywhere within `lifetimes.signingKeys`. */
const cached = new TtlCache<'keys', Promise<SigningKeys>>(() => settings().lifetimes.signingKeys);

type SecretValue = Record<string, unknown> & { current: string };

/**
 * Reads the secret's value and hands it to `use` with the client, for a write back. The
 * client is loaded on first use: only the functions that sign or verify pay for it.
 */
async function withSecret<T>(
  use: (value: SecretValue, put: (value: SecretValue) => Promise<void>) => Promise<T>,
) {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  const client = new sdk.SecretsManagerClient({});
  const secretId = env().SIGNING_SECRET_ARN;
  try {
    const { SecretString } = await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
    const value = secretValue.parse(JSON.parse(SecretString ?? '{}')) as SecretValue;
    return await use(value, async (next) => {
      await client.send(
        new sdk.PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(next) }),
      );
    });
  } finally {
    client.destroy();
  }
}

const readKeys = () =>
  withSecret(
    async (value): Promise<SigningKeys> => ({
      currentId: value.current,
      key: (id) => (id !== 'current' && typeof value[id] === 'string' ? (value[id] as string) : undefined),
    }),
  );

/**
 * The stack's signing keys, read from Secrets Manager at most every five minutes per
 * instance, or now with `fresh` (a signature names a key this copy lacks).
 */
export function signingKeys(options: { fresh?: boolean } = {}): Promise<SigningKeys> {
  return cached.remember('keys', readKeys, options);
}

/** HMAC-SHA256 of `message` with the key `keyId` (hex); undefined when the key is unknown. */
export function hmacHex(keys: SigningKeys, keyId: string, message: string): string | undefined {
  const key = keys.key(keyId);
  return key === undefined ? undefined : createHmac('sha256', key).update(message).digest('hex');
}

/** Compares two hex digests in constant time (different lengths are simply unequal). */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/**
 * Adds a new random key and makes it `current` (the operator's `mailroom signing-keys
 * rotate`); the old keys stay, so what they signed still verifies. Functions pick the new
 * key up within their five-minute cache.
 */
export async function rotateSigningKeys(): Promise<{ current: string; keys: string[] }> {
  const rotated = await withSecret(async (value, put) => {
    const ids = Object.keys(value).filter((id) => id !== 'current');
    const next = `k${Math.max(0, ...ids.map((id) => Number(id.slice(1)) || 0)) + 1}`;
    await put({ ...value, [next]: randomBytes(32).toString('base64url'), current: next });
    return { current: next, keys: [...ids, next] };
  });
  cached.clear();
  return rotated;
}
