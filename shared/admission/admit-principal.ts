import { requireTestKeyMay, type TestKeyContext } from '#shared/admission/test-keys.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { ForbiddenError } from '#shared/errors.ts';
import { consumeKeyRate } from '#shared/limits/key-rate-limit.ts';
import type { LimitReport } from '#shared/limits/window-math.ts';
import { requireActiveAccount } from '#shared/tenancy/account-status.ts';
import { allows, type Scope } from '#shared/tenancy/scopes.ts';

/** What a request asks of its principal: a scope, the test-key rule, the account's status, a rate window. */
export interface Rights extends TestKeyContext {
  /** The scope the request needs; `any` for every valid key. */
  scope: Scope | 'any';
  /** The key's rate-limit class for the request (`none`: not counted). */
  rateClass: string;
  /** Serve an account that is not active even for a change (`/mcp`, whose calls each check it again). */
  inactiveAccounts?: boolean;
}

/**
 * The first gate of every way in (each REST route, each message over SMTP), in this
 * order: the scope, the test-key rule, the account's status (for a change), then one
 * count against the key's rate window, whose report is returned for the response.
 */
export async function admitPrincipal(principal: Principal, rights: Rights): Promise<LimitReport | undefined> {
  if (rights.scope !== 'any' && !allows(principal.scopes, rights.scope)) {
    throw new ForbiddenError(`This API key lacks the \`${rights.scope}\` scope.`);
  }
  requireTestKeyMay(principal, rights);
  if (rights.changes && !rights.inactiveAccounts) await requireActiveAccount(principal.accountId);
  return consumeKeyRate(principal.keyId, rights.rateClass);
}

/** What sending one message asks (an SMTP message, as `POST /api/v1/emails` does). */
export const sendingRights: Rights = {
  scope: 'emails.send',
  rateClass: 'send',
  changes: true,
  testKeys: 'sends',
};
