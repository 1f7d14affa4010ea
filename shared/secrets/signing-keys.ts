import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { capabilityEnv } from '#shared/env.ts';
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

/** How long an instance trusts its copy: a key added to the secret signs everywhere within this. */
const cacheMs = 5 * 60_000;
let cached: { keys: Promise<SigningKeys>; at: number } | undefined;

async function readKeys(): Promise<SigningKeys> {
  // Loaded on first use: only the functions that sign or verify pay for the client.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({});
  try {
    const { SecretString } = await client.send(
      new GetSecretValueCommand({ SecretId: env().SIGNING_SECRET_ARN }),
    );
    const value = secretValue.parse(JSON.parse(SecretString ?? '{}')) as Record<string, unknown> & {
      current: string;
    };
    return {
      currentId: value.current,
      key: (id) => (id !== 'current' && typeof value[id] === 'string' ? (value[id] as string) : undefined),
    };
  } finally {
    client.destroy();
  }
}

/**
 * The stack's signing keys, read from Secrets Manager at most every five minutes per
 * instance, or now with `fresh` (a signature names a key this copy lacks).
 */
export function signingKeys(options: { fresh?: boolean } = {}, now = Date.now()): Promise<SigningKeys> {
  if (!cached || options.fresh || now - cached.at > cacheMs) {
    const keys = readKeys();
    cached = { keys, at: now };
    keys.catch(() => {
      cached = undefined;
    });
  }
  return cached.keys;
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
  const { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } = await import(
    '@aws-sdk/client-secrets-manager'
  );
  const client = new SecretsManagerClient({});
  try {
    const secretId = env().SIGNING_SECRET_ARN;
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const value = secretValue.parse(JSON.parse(SecretString ?? '{}')) as Record<string, unknown>;
    const ids = Object.keys(value).filter((id) => id !== 'current');
    const next = `k${Math.max(0, ...ids.map((id) => Number(id.slice(1)) || 0)) + 1}`;
    const rotated = { ...value, [next]: randomBytes(32).toString('base64url'), current: next };
    await client.send(
      new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(rotated) }),
    );
    cached = undefined;
    return { current: next, keys: [...ids, next] };
  } finally {
    client.destroy();
  }
}
