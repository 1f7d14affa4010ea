import type middy from '@middy/core';
import { activeKey } from '#shared/auth/key-lookup.ts';
import { principalOf } from '#shared/auth/principal.ts';
import { ForbiddenError, UnauthorizedError } from '#shared/errors.ts';
import type { ApiContext, ApiEvent, ApiResult, Caller } from '#shared/http/types.ts';
import { logger } from '#shared/logger.ts';
import { requireActiveAccount } from '#shared/tenancy/account-status.ts';
import { allows, type Scope } from '#shared/tenancy/scopes.ts';

/** The key presented as `Authorization: Bearer <key>` or, as the Relay API does, `X-Relay-Key`. */
export function presentedKey(event: ApiEvent): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(event.headers.authorization ?? '');
  return bearer?.[1] ?? event.headers['x-relay-key']?.trim();
}

/**
 * What a test key may not do: change the project's live resources. It sends (mail that
 * never reaches SES, status `test`) and reads, like Resend's and Postmark's test keys.
 */
const liveOnlyScopes = new Set<Scope | 'any'>([
  'keys.write',
  'domains.write',
  'webhooks.write',
  'suppressions.write',
]);

/**
 * Finds the caller's key by its SHA-256 (the stored form), checks `scope`, refuses a
 * test key what only a live key may change, and refuses changes (anything but GET)
 * while the caller's account is not `active`.
 * The lookup is by hash, so no secret is ever compared byte by byte.
 */
export function authenticate(
  scope: Scope | 'any',
  options: {
    /**
     * Lets an account that is not active through for every method: for `/mcp`, whose
     * every message is a POST while most are reads (each API call behind it checks the account itself).
     */
    inactiveAccounts?: boolean;
  } = {},
): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  return {
    before: async (request) => {
      const key = presentedKey(request.event);
      if (!key) throw new UnauthorizedError('Missing API key: send `Authorization: Bearer <key>`.');
      const record = await activeKey(key);
      if (!record) throw new UnauthorizedError('Invalid API key.');
      const caller: Caller = { ...principalOf(record), rateLimits: [] };
      if (scope !== 'any' && !allows(caller.scopes, scope)) {
        throw new ForbiddenError(`This API key lacks the \`${scope}\` scope.`);
      }
      if (caller.mode === 'test' && liveOnlyScopes.has(scope)) {
        throw new ForbiddenError(
          'A test key may send (as status test) and read, but not change keys, domains, webhooks or suppressions: use a live key.',
        );
      }
      logger.appendKeys({ projectId: caller.projectId, keyId: caller.keyId });
      if (request.event.requestContext.http.method !== 'GET' && !options.inactiveAccounts)
        await requireActiveAccount(caller.accountId);
      request.context.caller = caller;
    },
  };
}
