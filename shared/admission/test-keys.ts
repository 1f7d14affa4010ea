import type { Principal } from '#shared/auth/principal.ts';
import { ForbiddenError } from '#shared/errors.ts';

/**
 * What a test key may do on a route besides reading. A test key reads and sends test
 * mail, and nothing else a live user would notice, so any route but a read is refused to
 * it unless it declares one of these:
 * - `sends`: it sends mail, which for a test key is logged with status `test` and never sent;
 * - `own-resources`: it changes only what test keys made (test campaigns, the codes of
 *   test sends), which its service checks resource by resource;
 * - `per-call`: a gateway whose every call is checked again on its own route (`/mcp`).
 */
export type TestKeyAccess = 'sends' | 'own-resources' | 'per-call';

/** What the test-key rule needs to know of a request. */
export interface TestKeyContext {
  /** Whether the request may change state: every method but GET (and HEAD). */
  changes: boolean;
  testKeys?: TestKeyAccess;
}

/** Whether the request may change state by its HTTP method. */
export function changesState(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/** Whether a principal may make this request under the test-key rule. */
export function testKeyMay(principal: Pick<Principal, 'mode'>, request: TestKeyContext): boolean {
  return principal.mode === 'live' || !request.changes || request.testKeys !== undefined;
}

/** Refuses (403 `forbidden`) a test key a request that would change live state. */
export function requireTestKeyMay(principal: Pick<Principal, 'mode'>, request: TestKeyContext): void {
  if (!testKeyMay(principal, request)) {
    throw new ForbiddenError(
      'A test key may send test mail and read, but not change live resources: use a live key.',
    );
  }
}
