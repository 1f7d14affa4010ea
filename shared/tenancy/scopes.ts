/**
 * Every scope a key may hold; each route names the one it needs in `functions/routes.ts`
 * (docs/security.md).
 */
export const scopes = [
  'full_access',
  'sending_access',
  'read_only',
  'emails.send',
  'emails.batch',
  'emails.read',
  'domains.read',
  'domains.write',
  'contacts.read',
  'contacts.write',
  'campaigns.read',
  'campaigns.write',
  'templates.read',
  'templates.write',
  'assets.read',
  'assets.write',
  'webhooks.read',
  'webhooks.write',
  'keys.read',
  'keys.write',
  'suppressions.read',
  'suppressions.write',
  'stats.read',
] as const;

export type Scope = (typeof scopes)[number];

/** A live key's mail goes to SES; a test key's is logged with status `test` and never sent. */
export type KeyMode = 'live' | 'test';

/** The fine-grained scopes the broad ones stand for. */
const impliedBy: Partial<Record<Scope, (held: Scope) => boolean>> = {
  'emails.send': (held) => held === 'sending_access',
  'emails.batch': (held) => held === 'sending_access',
};

/**
 * Whether a key holding `held` may act where `required` is needed. `full_access`
 * allows everything; `read_only` allows every `*.read` scope; `sending_access` allows
 * sending (REST, batch, OTP, SMTP) and nothing else.
 */
export function allows(held: readonly Scope[], required: Scope): boolean {
  return held.some(
    (scope) =>
      scope === 'full_access' ||
      scope === required ||
      (scope === 'read_only' && required.endsWith('.read')) ||
      impliedBy[required]?.(scope) === true,
  );
}
