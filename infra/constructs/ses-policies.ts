import type { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';

/** ARNs of this account's and region's SES identities, and of one configuration set. */
function sesArns(stack: Stack, configurationSetName: string) {
  return {
    identities: stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }),
    configurationSet: stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: configurationSetName,
    }),
  };
}

/** Sending through the configuration set, from any identity of this account and region. */
export function sesSendPolicy(stack: Stack, configurationSetName: string): PolicyStatement {
  const arns = sesArns(stack, configurationSetName);
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: ['ses:SendEmail', 'ses:SendRawEmail'],
    resources: [arns.identities, arns.configurationSet],
  });
}

/**
 * Managing domain identities: create (on the configuration set), read, set MAIL FROM,
 * associate the configuration set, delete. Identities are named by the caller, so the
 * resource is every identity of this account and region, never `*`.
 */
export function sesIdentityPolicy(stack: Stack, configurationSetName: string): PolicyStatement {
  const arns = sesArns(stack, configurationSetName);
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: [
      'ses:CreateEmailIdentity',
      'ses:GetEmailIdentity',
      'ses:DeleteEmailIdentity',
      'ses:PutEmailIdentityMailFromAttributes',
      'ses:PutEmailIdentityConfigurationSetAttributes',
    ],
    resources: [arns.identities, arns.configurationSet],
  });
}

/** Reading identities only (the scheduled verification re-check). */
export function sesIdentityReadPolicy(stack: Stack): PolicyStatement {
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: ['ses:GetEmailIdentity'],
    resources: [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
  });
}

/**
 * Reading the account's sending quota (GetAccount), to pace sends to MaxSendRate.
 * GetAccount has no resource type, so IAM accepts nothing narrower than `*`.
 */
export function sesAccountReadPolicy(): PolicyStatement {
  return new PolicyStatement({ effect: Effect.ALLOW, actions: ['ses:GetAccount'], resources: ['*'] });
}

/**
 * SES tenants (the `sesTenants` stack setting): creating an account's tenant, putting
 * identities and the configuration set in it, and sending as it.
 */
export function sesTenantPolicy(stack: Stack, configurationSetName: string): PolicyStatement {
  const arns = sesArns(stack, configurationSetName);
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: ['ses:CreateTenant', 'ses:CreateTenantResourceAssociation', 'ses:SendEmail', 'ses:SendRawEmail'],
    resources: [
      stack.formatArn({ service: 'ses', resource: 'tenant', resourceName: '*' }),
      arns.identities,
      arns.configurationSet,
    ],
  });
}

/** The environment that turns tenants on in a function, with the ARN prefix of this account's SES resources. */
export function sesTenantEnvironment(stack: Stack): Record<string, string> {
  return {
    SES_TENANTS: 'on',
    SES_ARN_PREFIX: `arn:${stack.partition}:ses:${stack.region}:${stack.account}:`,
  };
}
