import type middy from '@middy/core';
import { admitPrincipal } from '#shared/admission/admit-principal.ts';
import { changesState, type TestKeyAccess } from '#shared/admission/test-keys.ts';
import { activeKey } from '#shared/auth/key-lookup.ts';
import { principalOf } from '#shared/auth/principal.ts';
import { UnauthorizedError } from '#shared/errors.ts';
import type { ApiContext, ApiEvent, ApiResult, Caller } from '#shared/http/types.ts';
import { logger } from '#shared/logger.ts';
import type { Scope } from '#shared/tenancy/scopes.ts';

/** The key presented as `Authorization: Bearer <key>` or, as the Relay API does, `X-Relay-Key`. */
export function presentedKey(event: ApiEvent): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(event.headers.authorization ?? '');
  return bearer?.[1] ?? event.headers['x-relay-key']?.trim();
}

/** What the route table says of a route that this middleware enforces. */
export interface RouteRights {
  scope: Scope | 'any';
  rateLimit: string;
  testKeys?: TestKeyAccess;
}

/**
 * Finds the caller's key by its SHA-256 (the stored form) and admits its principal for
 * the route: scope, the test-key rule, the account's status for a change (anything but
 * GET), and one count against the key's window for the route's class.
 * The lookup is by hash, so no secret is ever compared byte by byte.
 */
export function authenticate(
  route: RouteRights,
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
      logger.appendKeys({ projectId: caller.projectId, keyId: caller.keyId });
      const report = await admitPrincipal(caller, {
        scope: route.scope,
        rateClass: route.rateLimit,
        changes: changesState(request.event.requestContext.http.method),
        testKeys: route.testKeys,
        inactiveAccounts: options.inactiveAccounts,
      });
      if (report) caller.rateLimits.push(report);
      request.context.caller = caller;
    },
  };
}
