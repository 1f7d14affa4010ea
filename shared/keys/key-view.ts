import type { keyViewSchema } from '#shared/keys/key-view-schema.ts';
import type { ApiKeyRecord } from '#shared/tenancy/tenancy-store.ts';
import type * as z from '#shared/zod.ts';

export function keyView(key: ApiKeyRecord): z.infer<typeof keyViewSchema> {
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
