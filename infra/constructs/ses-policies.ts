import type { Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { acknowledgeWildcard } from './grants.ts';

/**
 * SES grants. Identities and tenants are named by users at run time, so their resource
 * is every identity (tenant) of this account and region: `identity/*`, never `*`.
 */
function sesArns(stack: Stack, configurationSetName: string) {
  return {
    identities: stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }),
    tenants: stack.formatArn({ service: 'ses', resource: 'tenant', resourceName: '*' }),
    configurationSet: stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: configurationSetName,
    }),
  };
}

function grant(grantee: IGrantable, actions: string[], resources: string[]) {
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
  for (const resource of resources.filter((arn) => arn.endsWith('/*'))) {
    acknowledgeWildcard(grantee, resource, 'SES identities and tenants are named at run time, by users.');
  }
}

/** Sending through the configuration set, from any identity of this account and region. */
export function grantSesSend(grantee: IGrantable, stack: Stack, configurationSetName: string) {
  const arns = sesArns(stack, configurationSetName);
  grant(grantee, ['ses:SendEmail', 'ses:SendRawEmail'], [arns.identities, arns.configurationSet]);
}

/**
 * Managing domain identities: create (on the configuration set), read, set MAIL FROM,
 * associate the configuration set, delete.
 */
export function grantSesIdentities(grantee: IGrantable, stack: Stack, configurationSetName: string) {
  const arns = sesArns(stack, configurationSetName);
  grant(
    grantee,
    [
      'ses:CreateEmailIdentity',
      'ses:GetEmailIdentity',
      'ses:DeleteEmailIdentity',
      'ses:PutEmailIdentityMailFromAttributes',
      'ses:PutEmailIdentityConfigurationSetAttributes',
    ],
    [arns.identities, arns.configurationSet],
  );
}

/** Reading identities only (the scheduled verification re-check). */
export function grantSesIdentityRead(grantee: IGrantable, stack: Stack) {
  grant(grantee, ['ses:GetEmailIdentity'], [sesArns(stack, '').identities]);
}

/**
 * Reading the account's sending quota (GetAccount), to pace sends to MaxSendRate.
 * GetAccount has no resource type, so IAM accepts nothing narrower than `*` (already
 * acknowledged on every function's role for X-Ray, which has none either).
 */
export function grantSesAccountRead(grantee: IGrantable) {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }),
  );
}

/**
 * SES tenants (the `sesTenants` setting): creating an account's tenant, putting
 * identities and the configuration set in it, and sending as it.
 */
export function grantSesTenants(grantee: IGrantable, stack: Stack, configurationSetName: string) {
  const arns = sesArns(stack, configurationSetName);
  grant(
    grantee,
    ['ses:CreateTenant', 'ses:CreateTenantResourceAssociation', 'ses:SendEmail', 'ses:SendRawEmail'],
    [arns.tenants, arns.identities, arns.configurationSet],
  );
}

/** The environment that turns tenants on in a function, with the ARN prefix of this account's SES resources. */
export function sesTenantEnvironment(stack: Stack): Record<string, string> {
  return {
    SES_TENANTS: 'on',
    SES_ARN_PREFIX: `arn:${stack.partition}:ses:${stack.region}:${stack.account}:`,
  };
}
