import { apiKeyMode, hashApiKey } from '#shared/auth/api-keys.ts';
import { TtlCache } from '#shared/cache/ttl-cache.ts';
import { logger } from '#shared/logger.ts';
import { settings } from '#shared/settings.ts';
import { type ApiKeyRecord, findApiKeyByHash, touchApiKey } from '#shared/tenancy/tenancy-store.ts';

/**
 * Keys read within `lifetimes.apiKey` (5 s) are trusted without another read, so a
 * revoked key stops working within that on every function instance.
 */
const keys = new TtlCache<string, Promise<ApiKeyRecord | undefined>>(() => settings().lifetimes.apiKey);
/** Last-used times are written at most once per `lifetimes.keyUse` (a minute) per key and instance. */
const keyUses = new TtlCache<string, true>(() => settings().lifetimes.keyUse);

async function cachedKey(hash: string): Promise<ApiKeyRecord | undefined> {
  const record = await keys.remember(hash, () => findApiKeyByHash(hash));
  if (record && !record.revokedAt && keyUses.firstInLifetime(hash, true)) {
    touchApiKey(hash, new Date().toISOString()).catch((error: unknown) =>
      logger.warn('could not record key use', { error }),
    );
  }
  return record;
}

/**
 * The record of a presented key when it is well formed, known and not revoked (the REST
 * API's bearer key and the SMTP relay's password alike); otherwise undefined.
 */
export async function activeKey(secret: string): Promise<ApiKeyRecord | undefined> {
  if (!apiKeyMode(secret)) return undefined;
  const record = await cachedKey(hashApiKey(secret));
  return record && !record.revokedAt ? record : undefined;
}
