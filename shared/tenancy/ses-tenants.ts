import {
  AlreadyExistsException,
  CreateTenantCommand,
  CreateTenantResourceAssociationCommand,
} from '@aws-sdk/client-sesv2';
import { configurationSetName, ses } from '#shared/aws/ses.ts';
import { capabilityEnv } from '#shared/env.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv(['ses:send', 'ses:identities'], {
  /** `on`: every account sends as its own SES tenant, so SES's reputation policy isolates accounts too. */
  SES_TENANTS: z._default(z.enum(['on', 'off']), 'off'),
  /** `arn:aws:ses:<region>:<account>:` — the prefix of this account's SES resource ARNs. */
  SES_ARN_PREFIX: z.optional(z.string()),
});

/** Whether this deployment sends as one SES tenant per account (the `sesTenants` setting). */
export function sesTenantsEnabled(): boolean {
  return env().SES_TENANTS === 'on' && env().SES_ARN_PREFIX !== undefined;
}

/** The SES tenant of an account. */
export function tenantNameOf(accountId: string): string {
  return `mailroom-${accountId}`;
}

const ignoreExisting = (error: unknown) => {
  if (!(error instanceof AlreadyExistsException)) throw error;
};

/** Resources already associated by this function instance, so repeats cost nothing. */
const associated = new Set<string>();

/**
 * Makes sure the account's tenant exists and holds the identity and the configuration
 * set, so SES accepts sends that name the tenant. Idempotent; a no-op when tenants are off.
 */
export async function associateWithTenant(accountId: string, identity: string): Promise<void> {
  if (!sesTenantsEnabled()) return;
  const tenant = tenantNameOf(accountId);
  const resources = [
    `${env().SES_ARN_PREFIX}identity/${identity}`,
    `${env().SES_ARN_PREFIX}configuration-set/${configurationSetName()}`,
  ];
  if (resources.every((arn) => associated.has(`${tenant} ${arn}`))) return;
  await ses.send(new CreateTenantCommand({ TenantName: tenant })).catch(ignoreExisting);
  for (const ResourceArn of resources) {
    await ses
      .send(new CreateTenantResourceAssociationCommand({ TenantName: tenant, ResourceArn }))
      .catch(ignoreExisting);
    associated.add(`${tenant} ${ResourceArn}`);
  }
}
