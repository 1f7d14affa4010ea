/** What the server needs of a key: its scopes and whether it is a test key. */
export interface KeyGrant {
  scopes: readonly string[];
  mode: 'live' | 'test';
}

/** Whether `grant` holds `scope` (`any`: every key does), with the broad scopes standing for the fine ones as the API reads them. */
export function holds(grant: KeyGrant, scope: string): boolean {
  const { scopes } = grant;
  if (scope === 'any' || scopes.includes('full_access') || scopes.includes(scope)) return true;
  if (scopes.includes('read_only') && (scope.endsWith('.read') || scope === 'stats.read')) return true;
  return scopes.includes('sending_access') && (scope === 'emails.send' || scope === 'emails.batch');
}

/**
 * Test keys may send and read, and change only their own test campaigns: never domains,
 * webhooks, suppressions, keys, lists, contacts, templates or assets (the API refuses them).
 */
export const liveOnlyScopes = new Set([
  'domains.write',
  'suppressions.write',
  'webhooks.write',
  'keys.write',
  'contacts.write',
  'templates.write',
  'assets.write',
]);
