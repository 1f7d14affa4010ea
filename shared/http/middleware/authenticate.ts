import type middy from '@middy/core';
import { apiKeyMode, hashApiKey } from '#shared/auth/api-keys.ts';
import { ForbiddenError, UnauthorizedError } from '#shared/errors.ts';
import type { ApiContext, ApiEvent, ApiResult, Caller } from '#shared/http/types.ts';
import { logger } from '#shared/logger.ts';
import { requireActiveAccount } from '#shared/tenancy/account-status.ts';
import { allows, type Scope } from '#shared/tenancy/scopes.ts';
import { type ApiKeyRecord, findApiKeyByHash, touchApiKey } from '#shared/tenancy/tenancy-store.ts';

/** The key presented as `Authorization: Bearer <key>` or, as the Relay API does, `X-Relay-Key`. */
function presentedKey(event: ApiEvent): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(event.headers.authorization ?? '');
  return bearer?.[1] ?? event.headers['x-relay-key']?.trim();
}

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
 * Finds the caller's key by its SHA-256 (the stored form), checks `scope`, and refuses
 * changes (anything but GET) while the caller's account is not `active`.
 * The lookup is by hash, so no secret is ever compared byte by byte.
 */
export function authenticate(scope: Scope): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  return {
    before: async (request) => {
      const key = presentedKey(request.event);
      if (!key) throw new UnauthorizedError('Missing API key: send `Authorization: Bearer <key>`.');
      if (!apiKeyMode(key)) throw new UnauthorizedError('Invalid API key.');
      const record = await cachedKey(hashApiKey(key));
      if (!record || record.revokedAt) throw new UnauthorizedError('Invalid API key.');
      const caller: Caller = { ...record, rateLimits: [] };
      if (!allows(caller.scopes, scope))
        throw new ForbiddenError(`This API key lacks the \`${scope}\` scope.`);
      logger.appendKeys({ projectId: caller.projectId, keyId: caller.id });
      if (request.event.requestContext.http.method !== 'GET') await requireActiveAccount(caller.accountId);
      request.context.caller = caller;
    },
  };
}
