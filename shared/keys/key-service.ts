import { generateApiKey } from '#shared/auth/api-keys.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { ForbiddenError, NotFoundError } from '#shared/errors.ts';
import { isId } from '#shared/ids.ts';
import type { CreateKeyInput } from '#shared/keys/key-schema.ts';
import { keyView } from '#shared/keys/key-view.ts';
import { allows, type Scope } from '#shared/tenancy/scopes.ts';
import { getProject, listApiKeys, revokeApiKey, storeApiKey } from '#shared/tenancy/tenancy-store.ts';

/**
 * Makes a key for the caller's project that has no more rights than the caller: every
 * scope must be one the caller's own key allows, a domain-limited caller can only make
 * keys limited to (some of) its domains, and a test key can only make test keys.
 */
export async function createKey(caller: Principal, input: CreateKeyInput) {
  const beyond = input.scopes.filter((scope) => !allowsScope(caller.scopes, scope));
  if (beyond.length > 0)
    throw new ForbiddenError(`This key cannot grant scopes it does not hold: ${beyond.join(', ')}.`);
  let domains = input.domains ?? [];
  if (caller.domains.length > 0) {
    if (domains.length === 0) domains = [...caller.domains];
    const outside = domains.filter((domain) => !caller.domains.includes(domain));
    if (outside.length > 0) throw new ForbiddenError(`This key is limited to ${caller.domains.join(', ')}.`);
  }
  if (caller.mode === 'test' && input.mode === 'live')
    throw new ForbiddenError('A test key can only create test keys.');
  const project = await getProject(caller.projectId);
  if (!project) throw new NotFoundError('Project');
  const key = generateApiKey(input.mode);
  const record = await storeApiKey(project, key, { name: input.name, scopes: input.scopes, domains });
  return { ...keyView(record), key: key.secret };
}

/** Whether holding `held` lets one hand out `scope` (a broad scope only from one at least as broad). */
function allowsScope(held: readonly Scope[], scope: Scope): boolean {
  if (held.includes('full_access')) return true;
  if (scope === 'full_access') return false;
  if (scope === 'read_only') return held.includes('read_only');
  if (scope === 'sending_access') return held.includes('sending_access');
  return allows(held, scope);
}

export async function listKeys(caller: Principal) {
  return (await listApiKeys(caller.projectId)).map(keyView);
}

/** Revokes a key of the caller's project at once (the next request with it is a 401 within 5 s). */
export async function revokeKey(caller: Principal, keyId: string) {
  if (!isId('apiKey', keyId) || !(await revokeApiKey(caller.projectId, keyId, new Date().toISOString())))
    throw new NotFoundError('API key');
  return { id: keyId, object: 'api_key', revoked: true };
}
