import type { KeyMode, Scope } from '#shared/tenancy/scopes.ts';
import type { ApiKeyRecord } from '#shared/tenancy/tenancy-store.ts';

/**
 * Who acts, in domain terms: the project and account a key belongs to, the key itself,
 * whether it is live or test, what it may do and which sending domains it is held to.
 * Every transport builds one from the key it was given (the REST API from the bearer
 * key, the SMTP relay from the login's password), so domain code never sees a transport.
 */
export interface Principal {
  readonly keyId: string;
  readonly keyName: string;
  readonly projectId: string;
  readonly accountId: string;
  readonly mode: KeyMode;
  readonly scopes: readonly Scope[];
  /** Sending domains the key is limited to; empty means any domain of the project. */
  readonly domains: readonly string[];
}

/** The principal a stored, active key stands for. */
export function principalOf(key: ApiKeyRecord): Principal {
  return {
    keyId: key.id,
    keyName: key.name,
    projectId: key.projectId,
    accountId: key.accountId,
    mode: key.mode,
    scopes: key.scopes,
    domains: key.domains,
  };
}
