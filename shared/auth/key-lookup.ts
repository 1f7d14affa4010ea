import { apiKeyMode, hashApiKey } from '#shared/auth/api-keys.ts';
import { logger } from '#shared/logger.ts';
import { type ApiKeyRecord, findApiKeyByHash, touchApiKey } from '#shared/tenancy/tenancy-store.ts';

/**
 * Keys read in the last 5 seconds are trusted without another read, so a revoked key
 * stops working within 5 seconds on every function instance.
 */
const keyCacheMs = 5_000;
/** Last-used times are written at most once a minute per key and instance. */
const touchEveryMs = 60_000;
const keys = new Map<string, { record: ApiKeyRecord | undefined; readAt: number; touchedAt: number }>();

async function cachedKey(hash: string): Promise<ApiKeyRecord | undefined> {
  const now = Date.now();
  let entry = keys.get(hash);
  if (!entry || now - entry.readAt > keyCacheMs) {
    entry = { record: await findApiKeyByHash(hash), readAt: now, touchedAt: entry?.touchedAt ?? 0 };
    keys.set(hash, entry);
  }
  if (entry.record && !entry.record.revokedAt && now - entry.touchedAt > touchEveryMs) {
    entry.touchedAt = now;
    touchApiKey(hash, new Date(now).toISOString()).catch((error: unknown) =>
      logger.warn('could not record key use', { error }),
    );
  }
  return entry.record;
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
