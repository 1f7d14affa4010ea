import {
  AlreadyExistsException,
  CreateEmailIdentityCommand,
  DeleteEmailIdentityCommand,
  GetEmailIdentityCommand,
  type GetEmailIdentityCommandOutput,
  NotFoundException,
  PutEmailIdentityConfigurationSetAttributesCommand,
  PutEmailIdentityMailFromAttributesCommand,
} from '@aws-sdk/client-sesv2';
import type { Principal } from '#shared/auth/principal.ts';
import { configurationSetName, ses } from '#shared/aws/ses.ts';
import { dnsRecords } from '#shared/domains/dns-records.ts';
import { type DomainName, domainAndParents, parseDomainName } from '#shared/domains/domain-name.ts';
import {
  type DomainRecord,
  type DomainStatus,
  getDomain,
  getNameClaim,
  getNameClaims,
  insertDomain,
  listPendingDomains,
  listProjectDomains,
  removeDomain,
  saveDomain,
  setDomainTracking,
} from '#shared/domains/domain-store.ts';
import { inSandboxTree } from '#shared/domains/sender-authorization.ts';
import { runtimeEnv } from '#shared/env.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '#shared/errors.ts';
import { isId, newId } from '#shared/ids.ts';
import { logger } from '#shared/logger.ts';
import { associateWithTenant } from '#shared/tenancy/ses-tenants.ts';
import * as z from '#shared/zod.ts';

const env = runtimeEnv({ AWS_REGION: z.string().check(z.minLength(1)) });

/** SES's verdict on an identity, in Mailroom's three domain statuses. */
function statusFrom(identity: GetEmailIdentityCommandOutput): DomainStatus {
  if (identity.VerifiedForSendingStatus) return 'verified';
  if (identity.VerificationStatus === 'FAILED' || identity.DkimAttributes?.Status === 'FAILED')
    return 'failed';
  return 'pending';
}

/** Records SES's verdict; writes only when the status changed. */
async function applyVerdict(
  domain: DomainRecord,
  identity: GetEmailIdentityCommandOutput,
): Promise<DomainRecord> {
  const status = statusFrom(identity);
  if (status === domain.status) return domain;
  const now = new Date().toISOString();
  // The record may have been read a while ago (the re-check's list): keep settings changed since.
  const tracking = (await getDomain(domain.id))?.tracking ?? domain.tracking;
  const updated: DomainRecord = {
    ...domain,
    ...(tracking ? { tracking } : {}),
    status,
    lastCheckedAt: now,
    verifiedAt: status === 'verified' ? now : undefined,
  };
  await saveDomain(updated);
  logger.info('domain status changed', { domain: domain.domain, from: domain.status, to: status });
  return updated;
}

/**
 * Creates the SES identity (Easy DKIM, RSA 2048) on the stack's configuration set,
 * or adopts one that already exists in the account without an owner in Mailroom.
 */
async function createIdentity(name: string): Promise<string[]> {
  try {
    const created = await ses.send(
      new CreateEmailIdentityCommand({
        EmailIdentity: name,
        DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
        ConfigurationSetName: configurationSetName(),
      }),
    );
    return created.DkimAttributes?.Tokens ?? [];
  } catch (error) {
    if (!(error instanceof AlreadyExistsException)) throw error;
    await ses.send(
      new PutEmailIdentityConfigurationSetAttributesCommand({
        EmailIdentity: name,
        ConfigurationSetName: configurationSetName(),
      }),
    );
    const existing = await ses.send(new GetEmailIdentityCommand({ EmailIdentity: name }));
    return existing.DkimAttributes?.Tokens ?? [];
  }
}

/**
 * Adds a sending domain to the caller's project: claims the name deployment-wide (a
 * name another project holds is a 409 that names no project), creates the SES
 * identity and its custom MAIL FROM (`mail.<domain>`), puts it in the account's SES tenant
 * (when tenants are on), and stores the DKIM tokens. If
 * SES fails, the claim is released again, so nothing half-made stays behind.
 */
export async function createDomain(caller: Principal, name: DomainName): Promise<DomainRecord> {
  const domain: DomainRecord = {
    id: newId('domain'),
    projectId: caller.projectId,
    accountId: caller.accountId,
    domain: name.ascii,
    unicodeDomain: name.unicode,
    status: 'pending',
    dkimTokens: [],
    mailFromDomain: `mail.${name.ascii}`,
    createdAt: new Date().toISOString(),
  };
  requireCovered(caller, name.ascii);
  if (inSandboxTree(name.ascii)) {
    throw new ForbiddenError(
      `${name.ascii} is the shared sandbox domain's; every project may already send from it.`,
    );
  }
  // A name under another project's domain is that project's to use: SES signs subdomains of a verified domain.
  const parents = await getNameClaims(domainAndParents(name.ascii).slice(1));
  if (parents.some((claim) => claim.projectId !== caller.projectId)) {
    throw new ConflictError(`A parent domain of ${name.ascii} is registered to another project.`);
  }
  if (!(await insertDomain(domain)))
    throw new ConflictError(`The domain ${name.ascii} is already registered.`);
  try {
    domain.dkimTokens = await createIdentity(name.ascii);
    await ses.send(
      new PutEmailIdentityMailFromAttributesCommand({
        EmailIdentity: name.ascii,
        MailFromDomain: domain.mailFromDomain,
        BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
      }),
    );
    await associateWithTenant(caller.accountId, name.ascii);
    await saveDomain(domain);
  } catch (error) {
    await removeDomain(domain);
    throw error;
  }
  return domain;
}

/** Whether a key may act on a domain: any, unless it is limited to some (then those and names under them). */
function keyCovers(caller: Principal, domain: string): boolean {
  return (
    caller.domains.length === 0 || domainAndParents(domain).some((name) => caller.domains.includes(name))
  );
}

function requireCovered(caller: Principal, domain: string) {
  if (!keyCovers(caller, domain)) {
    throw new ForbiddenError(`This API key may only act on: ${caller.domains.join(', ')}.`);
  }
}

/**
 * A project's domain by id or by name; another project's domain is not found, and one
 * a domain-limited key does not cover is refused.
 */
export async function findProjectDomain(caller: Principal, idOrName: string): Promise<DomainRecord> {
  const name = isId('domain', idOrName) ? undefined : parseDomainName(idOrName);
  const id = name ? ('ascii' in name ? (await getNameClaim(name.ascii))?.domainId : undefined) : idOrName;
  const domain = id ? await getDomain(id) : undefined;
  if (!domain || domain.projectId !== caller.projectId) throw new NotFoundError('Domain');
  requireCovered(caller, domain.domain);
  return domain;
}

/** The project's domains; a domain-limited key sees only its own. */
export async function listDomains(caller: Principal): Promise<DomainRecord[]> {
  return (await listProjectDomains(caller.projectId)).filter((domain) => keyCovers(caller, domain.domain));
}

/** The domain with its DNS records and each record's status as SES reports it now. */
export async function describeDomain(caller: Principal, idOrName: string) {
  const domain = await findProjectDomain(caller, idOrName);
  const identity = await ses.send(new GetEmailIdentityCommand({ EmailIdentity: domain.domain }));
  const current = await applyVerdict(domain, identity);
  return {
    domain: current,
    records: dnsRecords(current, env().AWS_REGION, {
      dkimStatus: identity.DkimAttributes?.Status,
      mailFromStatus: identity.MailFromAttributes?.MailFromDomainStatus,
    }),
  };
}

/** `PATCH /api/v1/domains/:idOrName`: open and click tracking of the domain's mail (each send may override). */
export async function updateDomainTracking(
  caller: Principal,
  idOrName: string,
  change: { open_tracking?: boolean; click_tracking?: boolean },
): Promise<DomainRecord> {
  const domain = await findProjectDomain(caller, idOrName);
  const tracking = {
    opens: change.open_tracking ?? domain.tracking?.opens ?? false,
    clicks: change.click_tracking ?? domain.tracking?.clicks ?? false,
  };
  if (!(await setDomainTracking(domain, tracking))) throw new NotFoundError('Domain');
  return { ...domain, tracking };
}

/** Asks SES now and records its verdict. */
export async function verifyDomain(caller: Principal, idOrName: string): Promise<DomainRecord> {
  const domain = await findProjectDomain(caller, idOrName);
  return applyVerdict(domain, await ses.send(new GetEmailIdentityCommand({ EmailIdentity: domain.domain })));
}

/** Deletes the SES identity, then the domain: sending from it stops at once. */
export async function deleteDomain(caller: Principal, idOrName: string): Promise<DomainRecord> {
  const domain = await findProjectDomain(caller, idOrName);
  try {
    await ses.send(new DeleteEmailIdentityCommand({ EmailIdentity: domain.domain }));
  } catch (error) {
    if (!(error instanceof NotFoundException)) throw error;
  }
  await removeDomain(domain);
  return domain;
}

/** The scheduled re-check: asks SES about every pending domain of every project. */
export async function recheckPendingDomains(): Promise<{ checked: number; changed: number }> {
  const pending = await listPendingDomains();
  let changed = 0;
  for (const domain of pending) {
    try {
      const identity = await ses.send(new GetEmailIdentityCommand({ EmailIdentity: domain.domain }));
      if ((await applyVerdict(domain, identity)).status !== 'pending') changed += 1;
    } catch (error) {
      logger.warn('could not re-check domain', { domain: domain.domain, error });
    }
  }
  return { checked: pending.length, changed };
}
