import { inject } from 'vitest';
import type { Scope } from '#shared/tenancy/scopes.ts';
import type { Account, Project } from '#shared/tenancy/tenancy-store.ts';
import { eventually } from './eventually.ts';
import { documentChecker } from './openapi-check.ts';

export const apiUrl = inject('apiUrl');
export const sesUrl = inject('sesUrl');
/** The local platform's own live key (for tests of the key itself). */
export const sharedLiveKey = inject('liveKey');
export const sandboxDomain = inject('sandboxDomain');

/**
 * This file's tenant: an account and project of its own with a live and a test key.
 * Files run at once, so none may share an account's or a key's windows, quota, sandbox
 * allowance or reputation with another. Like the platform's default account, it is never
 * judged on reputation: many tests bounce and complain on purpose, and only the
 * reputation tests, on accounts of their own, should see an account judged.
 */
const fileTenant = await newTenant('File tenant', { minimumSends: 1_000_000_000 });
/** The project this file's `liveKey` and `testKey` work in (every `api` call without a key). */
export const defaultProject = fileTenant.project;
/** This file's live key: per-key and per-account limits then apply to each file alone. */
export const liveKey = fileTenant.liveKey;
/** This file's test key, in the same project as `liveKey`. */
export const testKey = fileTenant.testKey;

/** A new key of this file's project, for tests that exceed one key's hourly windows (10 domains/hour). */
export function freshKey(): Promise<string> {
  return addProjectKey(defaultProject);
}

/** A new account (its reputation settings as given) and project, with a live and a test key. */
async function newTenant(name: string, reputation?: Account['reputation']) {
  useLocalAws();
  const { createAccount, createProject, setReputationOverrides } = await import(
    '#shared/tenancy/tenancy-store.ts'
  );
  const account = await createAccount(name);
  if (reputation) await setReputationOverrides(account.id, reputation);
  const project = await createProject(account.id, `${name} project`);
  const [live, test] = await Promise.all([addProjectKey(project), addProjectKey(project, { mode: 'test' })]);
  return { project, liveKey: live, testKey: test };
}

/** Points this test file's AWS SDK clients and shared modules at the local stand-ins. */
export function useLocalAws(): Record<string, string> {
  const env = inject('awsEnv');
  Object.assign(process.env, env);
  return env;
}

/** Every JSON answer `api` receives is held to the OpenAPI document. */
const checkAnswer = await documentChecker(apiUrl);

/** A request to the local API, JSON in and out; an answer the OpenAPI document does not describe fails the test. */
export async function api(
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? liveKey : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${apiUrl}${path}`, { method, headers, body });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  checkAnswer(method, path, response.status, parsed);
  return { status: response.status, headers: response.headers, body: parsed };
}

export { eventually };

export interface CapturedMail {
  messageId: string;
  destination: string[];
  subject: string;
  tags: Record<string, string>;
  events: string[];
}

/** What the local SES captured (newest first), through its JSON read API. */
export async function capturedMail(): Promise<CapturedMail[]> {
  return (await (await fetch(`${sesUrl}/_local/mail`)).json()) as CapturedMail[];
}

/** Sends one email through the API and waits until its status is `status`. */
export async function sendAndWait(email: Record<string, unknown>, status: string) {
  const accepted = await api('POST', '/api/v1/emails', { body: email });
  if (accepted.status !== 200) throw new Error(`send failed: ${JSON.stringify(accepted.body)}`);
  const id = accepted.body.id as string;
  const found = await eventually(
    () => api('GET', `/api/v1/emails/${id}`),
    (response) => response.body?.email?.status === status,
  );
  return { id, email: found.body.email, events: found.body.events as { type: string; createdAt: string }[] };
}

/** A domain name no other test uses. */
export function uniqueDomain(label = 'd'): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.example.com`;
}

/** Sets an identity's verdict in the local SES (its local-only control call). */
export async function setIdentityStatus(domain: string, status: 'PENDING' | 'SUCCESS' | 'FAILED') {
  const response = await fetch(`${sesUrl}/_local/identities/${domain}/status`, {
    method: 'POST',
    body: JSON.stringify({ status }),
  });
  if (response.status !== 200) throw new Error(`could not set ${domain} to ${status}`);
}

/** Adds a domain to the key's project and has SES verify it at once; returns its id and name. */
export async function verifiedDomain(key?: string, domain = uniqueDomain()) {
  // A key of its own for adding, so the 10-domains-an-hour window never trips a test.
  const adder = key ?? (await freshKey());
  key ??= liveKey;
  const created = await api('POST', '/api/v1/domains', { key: adder, body: { domain } });
  if (created.status !== 200) throw new Error(`could not add ${domain}: ${JSON.stringify(created.body)}`);
  await setIdentityStatus(domain, 'SUCCESS');
  const verified = await api('POST', `/api/v1/domains/${created.body.id}/verify`, { key });
  if (verified.body.status !== 'verified')
    throw new Error(`${domain} did not verify: ${JSON.stringify(verified.body)}`);
  return { id: created.body.id as string, domain };
}

/** A new account and project with one full-access live key. */
export async function otherProjectKey() {
  useLocalAws();
  const { createAccount, createProject } = await import('#shared/tenancy/tenancy-store.ts');
  const account = await createAccount('Test tenant');
  const project = await createProject(account.id, 'Test project');
  return { key: await addProjectKey(project), project };
}

/** Adds a key to a project and returns its secret. */
export async function addProjectKey(
  project: Project,
  options: { scopes?: Scope[]; domains?: string[]; mode?: 'live' | 'test' } = {},
): Promise<string> {
  useLocalAws();
  const { storeApiKey } = await import('#shared/tenancy/tenancy-store.ts');
  const { generateApiKey } = await import('#shared/auth/api-keys.ts');
  const key = generateApiKey(options.mode ?? 'live');
  await storeApiKey(project, key, {
    name: 'test',
    scopes: options.scopes ?? ['full_access'],
    domains: options.domains,
  });
  return key.secret;
}

/** A tenant of its own (account, project, full-access key) and a verified domain of its project. */
export async function tenantWithDomain() {
  const { key, project } = await otherProjectKey();
  const { domain, id: domainId } = await verifiedDomain(key);
  return { key, project, domain, domainId };
}

export type Tenant = Awaited<ReturnType<typeof tenantWithDomain>>;
