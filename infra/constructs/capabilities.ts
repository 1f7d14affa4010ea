import { Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type CapabilityName, capabilities } from '#shared/capabilities.ts';
import { defaultCacheSeconds } from '#shared/settings.ts';
import { type DeploymentConfig, defaultLimitsEnvironment } from '../config.ts';
import type { AssetStore } from './asset-store.ts';
import { grantObjects, grantTableItems } from './grants.ts';
import {
  grantSesAccountRead,
  grantSesIdentities,
  grantSesIdentityRead,
  grantSesSend,
  grantSesTenants,
  sesTenantEnvironment,
} from './ses-policies.ts';

/** The stack's resources and settings that capabilities point at. */
export interface CapabilityResources {
  readonly table: ITableV2;
  readonly sendQueue: IQueue;
  readonly webhookQueue: IQueue;
  readonly slowWebhookQueue: IQueue;
  readonly bulkQueue: IQueue;
  readonly campaignQueue: IQueue;
  readonly sesEventsQueue: IQueue;
  readonly payloads: IBucket;
  readonly signingKeys: ISecret;
  readonly assets: AssetStore;
  readonly configurationSetName: string;
  readonly sesEventsTopicArn: string;
  readonly config: DeploymentConfig;
  /** Where the SMTP relay answers, when the stack has one. */
  readonly smtpHost?: string;
}

/** A function or task receiving capabilities: its IAM principal and a way to set its variables. */
export interface CapabilityHolder {
  readonly grantee: IGrantable;
  setVariable(name: string, value: string): void;
}

type Provision = (holder: CapabilityHolder, resources: CapabilityResources, stack: Stack) => void;

/** For each capability: the variables it sets and the grants it adds, nothing else. */
const provisions: Record<CapabilityName, Provision> = {
  'table:readWrite': (holder, { table, config }) => {
    holder.setVariable('TABLE_NAME', table.tableName);
    if (config.cacheSeconds !== defaultCacheSeconds)
      holder.setVariable('CACHE_SECONDS', String(config.cacheSeconds));
    grantTableItems(table, holder.grantee);
  },
  'sendQueue:send': (holder, { sendQueue }) => {
    holder.setVariable('SEND_QUEUE_URL', sendQueue.queueUrl);
    sendQueue.grantSendMessages(holder.grantee);
  },
  'sendQueue:consume': (holder, { sendQueue }) => {
    holder.setVariable('SEND_QUEUE_URL', sendQueue.queueUrl);
    sendQueue.grantConsumeMessages(holder.grantee);
  },
  'webhookQueue:send': (holder, { webhookQueue }) => {
    holder.setVariable('WEBHOOK_QUEUE_URL', webhookQueue.queueUrl);
    webhookQueue.grantSendMessages(holder.grantee);
  },
  'webhookQueue:consume': (holder, { webhookQueue }) => {
    holder.setVariable('WEBHOOK_QUEUE_URL', webhookQueue.queueUrl);
    webhookQueue.grantConsumeMessages(holder.grantee);
  },
  'slowWebhookQueue:send': (holder, { slowWebhookQueue }) => {
    holder.setVariable('SLOW_WEBHOOK_QUEUE_URL', slowWebhookQueue.queueUrl);
    slowWebhookQueue.grantSendMessages(holder.grantee);
  },
  'slowWebhookQueue:consume': (holder, { slowWebhookQueue }) => {
    holder.setVariable('SLOW_WEBHOOK_QUEUE_URL', slowWebhookQueue.queueUrl);
    slowWebhookQueue.grantConsumeMessages(holder.grantee);
  },
  'bulkQueue:send': (holder, { bulkQueue }) => {
    holder.setVariable('BULK_QUEUE_URL', bulkQueue.queueUrl);
    bulkQueue.grantSendMessages(holder.grantee);
  },
  'bulkQueue:consume': (holder, { bulkQueue }) => {
    holder.setVariable('BULK_QUEUE_URL', bulkQueue.queueUrl);
    bulkQueue.grantConsumeMessages(holder.grantee);
  },
  'campaignQueue:send': (holder, { campaignQueue }) => {
    holder.setVariable('CAMPAIGN_QUEUE_URL', campaignQueue.queueUrl);
    campaignQueue.grantSendMessages(holder.grantee);
  },
  'campaignQueue:consume': (holder, { campaignQueue }) => {
    holder.setVariable('CAMPAIGN_QUEUE_URL', campaignQueue.queueUrl);
    campaignQueue.grantConsumeMessages(holder.grantee);
  },
  'sesEventsQueue:consume': (holder, { sesEventsQueue }) => {
    sesEventsQueue.grantConsumeMessages(holder.grantee);
  },
  'payloads:write': (holder, { payloads }) => {
    holder.setVariable('PAYLOAD_BUCKET', payloads.bucketName);
    grantObjects(payloads, holder.grantee, ['put']);
  },
  'payloads:readWrite': (holder, { payloads }) => {
    holder.setVariable('PAYLOAD_BUCKET', payloads.bucketName);
    grantObjects(payloads, holder.grantee, ['get', 'put']);
  },
  'ses:send': (holder, { configurationSetName, config }, stack) => {
    holder.setVariable('SES_CONFIGURATION_SET', configurationSetName);
    grantSesSend(holder.grantee, stack, configurationSetName);
    if (config.sesTenants) tenants(holder, stack, configurationSetName);
  },
  'ses:identities': (holder, { configurationSetName, config }, stack) => {
    holder.setVariable('SES_CONFIGURATION_SET', configurationSetName);
    grantSesIdentities(holder.grantee, stack, configurationSetName);
    if (config.sesTenants) tenants(holder, stack, configurationSetName);
  },
  'ses:identityRead': (holder, _, stack) => grantSesIdentityRead(holder.grantee, stack),
  'ses:account': (holder) => grantSesAccountRead(holder.grantee),
  'sesEvents:receive': (holder, { sesEventsTopicArn }) => {
    holder.setVariable('SES_EVENTS_TOPIC_ARN', sesEventsTopicArn);
    // Production checks every notification's SNS signature.
    holder.setVariable('VERIFY_SNS_SIGNATURES', 'true');
  },
  'assets:write': (holder, { assets }) => {
    holder.setVariable('ASSETS_BUCKET', assets.bucket.bucketName);
    holder.setVariable('ASSETS_BASE_URL', `https://${assets.distribution.distributionDomainName}`);
    assets.grantWrite(holder.grantee);
  },
  'settings:assetsUrl': (holder, { assets }) => {
    holder.setVariable('ASSETS_BASE_URL', `https://${assets.distribution.distributionDomainName}`);
  },
  'secrets:signingKeys': (holder, { signingKeys }) => {
    holder.setVariable('SIGNING_SECRET_ARN', signingKeys.secretArn);
    signingKeys.grantRead(holder.grantee);
  },
  'settings:accountLimits': (holder, { config }) => {
    for (const [name, value] of Object.entries(defaultLimitsEnvironment(config)))
      holder.setVariable(name, value);
  },
  'settings:keyLimits': (holder, { config }) => {
    holder.setVariable('KEY_SENDS_PER_MINUTE', String(config.keySendsPerMinute));
    holder.setVariable('KEY_BATCHES_PER_MINUTE', String(config.keyBatchesPerMinute));
  },
  'settings:emailRetention': (holder, { config }) => {
    holder.setVariable('EMAIL_RETENTION_DAYS', String(config.emailRetentionDays));
  },
  'settings:sandbox': (holder, { config }) => {
    if (config.sandboxDomain) holder.setVariable('SANDBOX_DOMAIN', config.sandboxDomain);
  },
  'settings:webhookDelivery': (holder) => {
    // Production delivers over https to public addresses only.
    holder.setVariable('WEBHOOK_ALLOW_LOOPBACK', 'false');
  },
  'settings:reputation': (holder, { config }) => {
    holder.setVariable('REPUTATION_MINIMUM_SENDS', String(config.reputationMinimumSends));
  },
  'settings:campaignPacing': (holder, { config }) => {
    holder.setVariable('BULK_SEND_SHARE', String(config.campaignSendShare));
    holder.setVariable('CAMPAIGN_LOOKAHEAD_SECONDS', String(config.campaignLookaheadSeconds));
  },
  'settings:smtpEndpoint': (holder, { smtpHost }) => {
    if (smtpHost) holder.setVariable('SMTP_HOST', smtpHost);
  },
};

function tenants(holder: CapabilityHolder, stack: Stack, configurationSetName: string) {
  for (const [name, value] of Object.entries(sesTenantEnvironment(stack))) holder.setVariable(name, value);
  grantSesTenants(holder.grantee, stack, configurationSetName);
}

/**
 * Gives a function (or task) its capabilities: each sets only the variables it carries
 * (checked here, so code and declaration cannot disagree) and adds its grants.
 */
export function provideCapabilities(
  scope: Construct,
  holder: CapabilityHolder,
  names: readonly CapabilityName[],
  resources: CapabilityResources,
) {
  for (const name of new Set(names)) {
    const carried = new Set<string>(capabilities[name].variables);
    provisions[name](
      {
        grantee: holder.grantee,
        setVariable: (variable, value) => {
          if (!carried.has(variable)) throw new Error(`Capability "${name}" does not carry ${variable}`);
          holder.setVariable(variable, value);
        },
      },
      resources,
      Stack.of(scope),
    );
  }
}
