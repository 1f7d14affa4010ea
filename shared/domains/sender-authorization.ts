import { domainToASCII } from 'node:url';
import type { Principal } from '#shared/auth/principal.ts';
import { domainAndParents } from '#shared/domains/domain-name.ts';
import { type EmailTracking, getNameClaims } from '#shared/domains/domain-store.ts';
import { domainOf } from '#shared/emails/address.ts';
import { capabilityEnv } from '#shared/env.ts';
import { ApiError, ForbiddenError } from '#shared/errors.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('settings:sandbox', { SANDBOX_DOMAIN: z.optional(z.string()) });

/** The operator's shared sandbox domain, when the deployment has one. */
export function sandboxDomain(): string | undefined {
  return env().SANDBOX_DOMAIN || undefined;
}

/** Whether a domain is the operator's shared sandbox domain or under it: the whole tree is the operator's. */
export function inSandboxTree(domain: string): boolean {
  const sandbox = env().SANDBOX_DOMAIN?.toLowerCase();
  return Boolean(sandbox) && (domain === sandbox || domain.endsWith(`.${sandbox}`));
}

/** On whose authority a caller sends: a test key's, the shared sandbox's (within its allowance), or a verified domain's. */
export type SenderAuthority = 'test' | 'sandbox' | 'verified';

/** The authority, and the domain's tracking (none for the sandbox and test keys). */
export interface SenderGrant {
  authority: SenderAuthority;
  tracking: EmailTracking;
}

const untracked: EmailTracking = { opens: false, clicks: false };

/**
 * Refuses (403) a key limited to some domains for an address outside them (and the names
 * under them): what it may send from is also all it may act on, such as a campaign's draft.
 */
export function requireKeyDomain(caller: Principal, address: string): void {
  if (caller.domains.length === 0) return;
  const domain = domainToASCII(domainOf(address)) || domainOf(address);
  if (!domainAndParents(domain).some((name) => caller.domains.includes(name)))
    throw new ForbiddenError(`This API key may only send from: ${caller.domains.join(', ')}.`);
}

/**
 * May this caller send from `address`? In order:
 * - a key limited to some domains may send only from those (or their subdomains): 403;
 * - a test key may send from anything, since its mail never reaches SES;
 * - the operator's shared sandbox domain (and any name under it) is open to every project, up to its daily
 *   allowance, which the caller takes (`useSandboxAllowance`) once the email is accepted;
 * - otherwise the domain, or a parent of it (SES signs subdomains of a verified
 *   domain), must be verified for the caller's project, with no name between them
 *   registered to another project: 400 `domain_not_verified`.
 */
export async function senderGrant(caller: Principal, address: string): Promise<SenderGrant> {
  const domain = domainToASCII(domainOf(address)) || domainOf(address);
  const candidates = domainAndParents(domain);
  requireKeyDomain(caller, address);
  if (caller.mode === 'test') return { authority: 'test', tracking: untracked };
  if (inSandboxTree(domain)) return { authority: 'sandbox', tracking: untracked };
  const claims = await getNameClaims(candidates);
  // The most specific verified name: a subdomain's own settings before its parent's. A
  // name another project registered is that project's, whoever holds a parent of it:
  // the search stops there, so a parent never lends its verification to another's child.
  let verified: (typeof claims)[number] | undefined;
  for (const name of candidates) {
    const claim = claims.find((one) => one.domain === name);
    if (!claim) continue;
    if (claim.projectId !== caller.projectId) break;
    if (claim.status === 'verified') {
      verified = claim;
      break;
    }
  }
  if (!verified) {
    throw new ApiError(
      'domain_not_verified',
      `The domain ${domain} is not verified for this project. Add it with POST /api/v1/domains and publish its DNS records.`,
      { field: 'from' },
    );
  }
  return { authority: 'verified', tracking: verified.tracking ?? untracked };
}

/** `senderGrant`'s authority alone. */
export async function authorizeSender(caller: Principal, address: string): Promise<SenderAuthority> {
  return (await senderGrant(caller, address)).authority;
}
