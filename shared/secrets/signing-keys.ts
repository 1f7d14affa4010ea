import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { callJson, secretsManagerService } from '#shared/aws/json-service.ts';
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
 * Reads the secret's value and hands it to `use` with a write back. Secrets Manager is
 * called through its JSON protocol (`json-service.ts`), not the SDK's client, which would
 * add about 30 KB to every function that signs or verifies.
 */
async function withSecret<T>(
  use: (value: SecretValue, put: (value: SecretValue) => Promise<void>) => Promise<T>,
) {
  const secretId = env().SIGNING_SECRET_ARN;
  const { SecretString } = await callJson<{ SecretString?: string }>(
    secretsManagerService,
    'GetSecretValue',
    {
      SecretId: secretId,
    },
  );
  const value = secretValue.parse(JSON.parse(SecretString ?? '{}')) as SecretValue;
  return use(value, async (next) => {
    await callJson(secretsManagerService, 'PutSecretValue', {
      SecretId: secretId,
      SecretString: JSON.stringify(next),
      // The SDK fills in this idempotency token for the caller; the JSON protocol wants it sent.
      ClientRequestToken: randomUUID(),
    });
  });
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
