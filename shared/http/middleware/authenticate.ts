import type middy from '@middy/core';
import { apiKeyMode, hashApiKey } from '#shared/auth/api-keys.ts';
import { ForbiddenError, UnauthorizedError } from '#shared/errors.ts';
import type { ApiContext, ApiEvent, ApiResult } from '#shared/http/types.ts';
import { logger } from '#shared/logger.ts';
import { requireActiveAccount } from '#shared/tenancy/account-status.ts';
import { allows, type Scope } from '#shared/tenancy/scopes.ts';
import { findApiKeyByHash } from '#shared/tenancy/tenancy-store.ts';

/** The key presented as `Authorization: Bearer <key>` or, as the Relay API does, `X-Relay-Key`. */
function presentedKey(event: ApiEvent): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(event.headers.authorization ?? '');
  return bearer?.[1] ?? event.headers['x-relay-key']?.trim();
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
      const caller = await findApiKeyByHash(hashApiKey(key));
      if (!caller || caller.revokedAt) throw new UnauthorizedError('Invalid API key.');
      if (!allows(caller.scopes, scope))
        throw new ForbiddenError(`This API key lacks the \`${scope}\` scope.`);
      logger.appendKeys({ projectId: caller.projectId, keyId: caller.id });
      if (request.event.requestContext.http.method !== 'GET') await requireActiveAccount(caller.accountId);
      request.context.caller = caller;
    },
  };
}
