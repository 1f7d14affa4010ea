import type { ApiKeyRecord } from '#shared/tenancy/tenancy-store.ts';

/** A key as listings show it: never the secret, never its hash. */
export function keyView(key: ApiKeyRecord) {
  return {
    id: key.id,
    object: 'api_key',
    name: key.name,
    prefix: key.prefix,
    last_four: key.lastFour,
    scopes: key.scopes,
    domains: key.domains,
    mode: key.mode,
    created_at: key.createdAt,
    last_used_at: key.lastUsedAt ?? null,
    revoked_at: key.revokedAt ?? null,
  };
}
