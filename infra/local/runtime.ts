import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import {
  AlreadyExistsException,
  CreateConfigurationSetCommand,
  CreateConfigurationSetEventDestinationCommand,
  type EventType,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  assetStore,
  configurationSet,
  deadLetterQueueName,
  payloadBucket,
  type QueueKey,
  queues,
  sandboxSender,
  scheduledJobs,
  sesEventsTopic,
  signingSecret,
  table,
} from '#shared/resources.ts';
import { routes } from '../../functions/routes.ts';
import { type DeploymentSettings, parseDeploymentConfig } from '../config.ts';
import { jobFunctionId, queueFunctionId, smtpTaskId } from '../function-catalogue.ts';
import { assetHandler } from './asset-server.ts';
import { ensureDefaultTenant, type LocalCredentials } from './bootstrap.ts';
import { consoleHandler } from './console-server.ts';
import {
  type FunctionDeployment,
  functionDeployments,
  generatedSecretOf,
  type LocalResource,
} from './deployment.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { createApiServer } from './http-adapter.ts';
import { keepIdleConnections } from './http-util.ts';
import { IamGateway } from './iam/gateway.ts';
import { localAccountId, localAws } from './local-aws.ts';
import { credentialsOf, eventSourceId, LocalFunctions, localEnvironment } from './local-functions.ts';
import { localQueueUrl, type Messaging, startMessaging } from './messaging.ts';
import { close, freePort, listen } from './ports.ts';
import { targetGroupWritesProxyHeader } from './proxy-front.ts';
import { startQueuePoller } from './queue-poller.ts';
import { startScheduler } from './scheduler.ts';
import { generateSecretString, LocalSecrets } from './secrets-server.ts';
import { LocalSes } from './ses/local-ses.ts';
import { sesRequestListener } from './ses/ses-server.ts';
import { handleViewer } from './ses/viewer.ts';
import { localSmtpCertificate } from './smtp-certificate.ts';
import { startSmtpTask } from './smtp-task.ts';
import { synthesizeStack } from './synthesized-stack.ts';

export interface LocalRuntimeOptions {
  /** Where data survives restarts (`.mailroom/`); everything is in memory when absent. */
  dataDir?: string;
  /** API port; 0 picks a free one. The stand-ins take free ports unless given. */
  apiPort: number;
  servicePorts?: { ses?: number; messaging?: number; dynamodb?: number; gateway?: number; secrets?: number };
  /** Overrides queues' visibility timeouts (tests watch redelivery in seconds). */
  visibilityTimeoutSeconds?: Partial<Record<QueueKey, number>>;
  ses?: {
    verificationDelayMs?: number;
    outcomeDelayMs?: number;
    maxSendRate?: number;
    max24HourSend?: number;
  };
  /** Webhook retry pauses (seconds) and the failure run that deactivates a webhook. */
  webhooks?: { retrySchedule?: number[]; deactivateAfter?: number };
  /** How often scheduled jobs (the domain re-check) run locally. */
  scheduleIntervalSeconds?: number;
  /** Send as one SES tenant per account (the stack setting `sesTenants`). */
  sesTenants?: boolean;
  /** How long functions trust copies of accounts, keys and campaigns (the `cacheSeconds` setting); tests shorten it. */
  cacheSeconds?: number;
  /** The campaign pacing settings (`campaignSendShare`, `campaignLookaheadSeconds`), when not the defaults. */
  campaigns?: { sendShare?: number; lookaheadSeconds?: number };
  /** SMTP relay ports (STARTTLS, implicit TLS); 0 picks free ones. */
  smtpPorts?: { starttls: number; implicitTls: number };
  /** The shared sandbox domain every project may send from; created verified in the local SES. */
  sandboxDomain?: string;
  logLevel?: string;
  /**
   * Changes the synthesized deployments before anything runs: the control tests remove
   * a grant or a variable to show that the local runtime then fails as AWS would.
   */
  adjustDeployments?: (deployments: Map<string, FunctionDeployment>) => void;
}

/** The local platform's shared sandbox sender (`.test` is reserved for testing, RFC 2606). */
export const defaultSandboxDomain = 'sandbox.mailroom.test';

export interface LocalRuntime {
  apiUrl: string;
  smtp: { host: string; starttls: number; implicitTls: number; certificate: string };
  sandboxDomain: string;
  viewerUrl: string;
  sesUrl: string;
  credentials: LocalCredentials;
  /** The operator's environment: an AWS SDK client (or the CLI) pointed at the stand-ins, every setting. */
  env: Record<string, string>;
  deadLetterQueueUrls: Record<QueueKey, string>;
  /** Where every function's AWS calls go; the benchmark meters them here. */
  gateway: IamGateway;
  /** Invokes a function by its catalogue id, as Lambda's Invoke API would. */
  invoke: (functionId: string, event: unknown) => Promise<unknown>;
  stop: () => Promise<void>;
}

/**
 * The stack settings the local platform is synthesized with: the options' tenants and
 * sandbox domain, and an SMTP relay (its certificate and name are placeholders; the
 * local relay uses its own).
 */
function localSettings(options: LocalRuntimeOptions, sandboxDomain: string): DeploymentSettings {
  return {
    stage: 'local',
    sesTenants: options.sesTenants ?? false,
    sandboxDomain,
    smtpCertificateSecretArn: `arn:aws:secretsmanager:${localAws.region}:${localAccountId}:secret:mailroom-local-smtp-AbCdEf`,
    smtpHostname: 'smtp.mailroom.test',
    ...(options.cacheSeconds ? { cacheSeconds: options.cacheSeconds } : {}),
    ...(options.campaigns?.sendShare ? { campaignSendShare: options.campaigns.sendShare } : {}),
    ...(options.campaigns?.lookaheadSeconds
      ? { campaignLookaheadSeconds: options.campaigns.lookaheadSeconds }
      : {}),
  };
}

/** The signing keys' secret on the local Secrets Manager (AWS appends six random characters to a secret's name). */
const localSigningSecretArn = `arn:aws:secretsmanager:${localAws.region}:${localAccountId}:secret:mailroom-signing-keys-Lc4lKy`;

/** What the template's marked resources are called on the stand-ins (queues as functions reach them, through the gateway). */
function localResources(gatewayUrl: string, messaging: Messaging): Record<string, LocalResource> {
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${localAws.region}:${localAccountId}:${resource}`;
  const queue = (name: string): LocalResource => {
    const url = localQueueUrl(gatewayUrl, name);
    return { ref: url, attributes: { Arn: arn('sqs', name), QueueName: name, QueueUrl: url } };
  };
  const topicName = messaging.sesEventsTopicArn.split(':').pop() ?? '';
  return {
    table: { ref: table.name, attributes: { Arn: arn('dynamodb', `table/${table.name}`) } },
    'bucket:payloads': { ref: payloadBucket.name, attributes: { Arn: `arn:aws:s3:::${payloadBucket.name}` } },
    'bucket:assets': {
      ref: assetStore.name,
      attributes: {
        Arn: `arn:aws:s3:::${assetStore.name}`,
        RegionalDomainName: `${assetStore.name}.s3.${localAws.region}.amazonaws.com`,
      },
    },
    // Its address is the local API's (`ASSETS_BASE_URL`); the id names it in ARNs.
    'distribution:assets': { ref: 'ELOCALASSETS', attributes: { DomainName: 'localhost' } },
    'topic:sesEvents': {
      ref: messaging.sesEventsTopicArn,
      attributes: { TopicArn: messaging.sesEventsTopicArn, TopicName: topicName },
    },
    configurationSet: { ref: configurationSet.name, attributes: {} },
    // A secret's Ref is its ARN.
    'secret:signingKeys': { ref: localSigningSecretArn, attributes: {} },
    ...Object.fromEntries(
      (Object.keys(queues) as QueueKey[]).flatMap((key) => [
        [`queue:${key}`, queue(queues[key].name)],
        [`deadLetterQueue:${key}`, queue(deadLetterQueueName(queues[key]))],
      ]),
    ),
  };
}

async function ensureConfigurationSet(ses: SESv2Client, topicArn: string) {
  const ignoreExisting = (error: unknown) => {
    if (!(error instanceof AlreadyExistsException)) throw error;
  };
  await ses
    .send(new CreateConfigurationSetCommand({ ConfigurationSetName: configurationSet.name }))
    .catch(ignoreExisting);
  await ses
    .send(
      new CreateConfigurationSetEventDestinationCommand({
        ConfigurationSetName: configurationSet.name,
        EventDestinationName: configurationSet.eventDestinationName,
        EventDestination: {
          Enabled: true,
          MatchingEventTypes: [...configurationSet.eventTypes] as EventType[],
          SnsDestination: { TopicArn: topicArn },
        },
      }),
    )
    .catch(ignoreExisting);
}

/**
 * The whole platform on one machine: DynamoDB Local, fauxqs (SQS/SNS/S3), the local
 * SES, the API on the route table, the queue consumers, the scheduled jobs and the SMTP
 * relay, each function run as the synthesized stack deploys it: its own environment,
 * its own IAM policy, enforced by the gateway in front of the stand-ins. `stop()` ends
 * every server, thread and child.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error: unknown) => console.error(error));
    stops.length = 0;
  };

  const sandboxDomain = options.sandboxDomain ?? defaultSandboxDomain;
  // The CDK's synth runs in a thread of its own while the stand-ins start.
  const template = synthesizeStack(localSettings(options, sandboxDomain));
  template.catch(() => undefined);
  try {
    const dir = (name: string) => {
      if (!options.dataDir) return undefined;
      const path = join(options.dataDir, name);
      mkdirSync(path, { recursive: true });
      return path;
    };

    const dynamodb = await startDynamoDbLocal({
      port: options.servicePorts?.dynamodb || (await freePort()),
      dataDir: dir('dynamodb'),
    });
    stops.push(dynamodb.stop);

    const messaging = await startMessaging({
      port: options.servicePorts?.messaging ?? 0,
      dataDir: dir('messaging'),
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    });
    stops.push(messaging.stop);

    const sns = new SNSClient({ endpoint: messaging.endpoint, ...localAws });
    const localSes = new LocalSes({
      region: localAws.region,
      accountId: localAccountId,
      verificationDelayMs: options.ses?.verificationDelayMs ?? 5000,
      outcomeDelayMs: options.ses?.outcomeDelayMs ?? 250,
      maxSendRate: options.ses?.maxSendRate ?? 14,
      max24HourSend: options.ses?.max24HourSend ?? 50_000,
      requireVerifiedSender: true,
      publish: async (topicArn, message) => {
        await sns.send(new PublishCommand({ TopicArn: topicArn, Message: message }));
      },
      dataDir: dir('ses'),
    });
    const sesServer = keepIdleConnections(createServer(sesRequestListener(localSes)));
    const sesPort = await listen(sesServer, options.servicePorts?.ses ?? 0);
    const sesUrl = `http://127.0.0.1:${sesPort}`;
    localSes.trackingBaseUrl = sesUrl;
    stops.push(async () => {
      localSes.close();
      await close(sesServer);
      sns.destroy();
    });

    const secrets = new LocalSecrets(dir('secrets'));
    const secretsUrl = await secrets.start(options.servicePorts?.secrets ?? 0);
    stops.push(() => secrets.stop());

    const sesClient = new SESv2Client({ endpoint: sesUrl, ...localAws });
    await ensureConfigurationSet(sesClient, messaging.sesEventsTopicArn);
    sesClient.destroy();
    localSes.ensureVerifiedIdentity(sandboxDomain);
    // Events a crash kept from their topic go out now.
    localSes.resume();

    // Every function's AWS calls go through the gateway, which enforces its policy.
    const gateway = await IamGateway.start(
      {
        dynamodb: dynamodb.endpoint,
        sqs: messaging.endpoint,
        sns: messaging.endpoint,
        s3: messaging.endpoint,
        ses: sesUrl,
        secretsmanager: secretsUrl,
      },
      { region: localAws.region, account: localAccountId },
      options.servicePorts?.gateway ?? 0,
    );
    stops.push(() => gateway.close());

    // The operator's view (this process, the CLI, tests): the stand-ins themselves, every setting.
    const env: Record<string, string> = {
      AWS_REGION: localAws.region,
      AWS_ACCESS_KEY_ID: localAws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localAws.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SQS: messaging.endpoint,
      AWS_ENDPOINT_URL_SNS: messaging.endpoint,
      AWS_ENDPOINT_URL_S3: messaging.endpoint,
      AWS_ENDPOINT_URL_SESV2: sesUrl,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
      [table.envVar]: table.name,
      [signingSecret.envVar]: localSigningSecretArn,
      [configurationSet.envVar]: configurationSet.name,
      [sandboxSender.envVar]: sandboxDomain,
      [payloadBucket.envVar]: payloadBucket.name,
      [sesEventsTopic.envVar]: messaging.sesEventsTopicArn,
      SES_TENANTS: options.sesTenants ? 'on' : 'off',
      EMAIL_RETENTION_DAYS: String(parseDeploymentConfig(() => undefined).emailRetentionDays),
      BULK_SEND_SHARE: String(
        options.campaigns?.sendShare ?? parseDeploymentConfig(() => undefined).campaignSendShare,
      ),
      CAMPAIGN_LOOKAHEAD_SECONDS: String(
        options.campaigns?.lookaheadSeconds ??
          parseDeploymentConfig(() => undefined).campaignLookaheadSeconds,
      ),
      SES_ARN_PREFIX: `arn:aws:ses:${localAws.region}:${localAccountId}:`,
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'INFO',
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...Object.fromEntries(
        (Object.keys(queues) as QueueKey[]).map((key) => [queues[key].envVar, messaging.queueUrls[key]]),
      ),
    };
    Object.assign(process.env, env);

    const credentials = await ensureDefaultTenant(options.dataDir && join(options.dataDir, 'local.json'));

    // Each function as the stack deployed it: its synthesized environment and policy.
    const synthesized = await template;
    secrets.ensure(localSigningSecretArn, localSigningSecretArn.split(':').pop() ?? '', () =>
      generateSecretString(generatedSecretOf(synthesized, 'secret:signingKeys')),
    );
    const deployments = functionDeployments(synthesized, localResources(gateway.endpoint, messaging));
    const smtpPorts = {
      starttls: options.smtpPorts?.starttls || (await freePort()),
      implicitTls: options.smtpPorts?.implicitTls || (await freePort()),
    };
    // Known before the functions start: assets' URLs are served on the API port.
    const apiPort = options.apiPort || (await freePort());
    const apiUrl = `http://localhost:${apiPort}`;
    const localValues: Record<string, string> = {
      // The local API serves assets where CloudFront would (see `asset-server.ts`).
      ASSETS_BASE_URL: apiUrl,
      // A developer's receiver runs on this laptop: http to loopback is allowed here only.
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      // fauxqs does not sign notifications.
      VERIFY_SNS_SIGNATURES: 'false',
      ...(options.webhooks?.retrySchedule
        ? { WEBHOOK_RETRY_SCHEDULE: options.webhooks.retrySchedule.join(',') }
        : {}),
      ...(options.webhooks?.deactivateAfter
        ? { WEBHOOK_DEACTIVATE_AFTER: String(options.webhooks.deactivateAfter) }
        : {}),
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'INFO',
      SMTP_HOSTNAME: 'localhost',
      // GET /api/v1/smtp tells where the relay answers.
      SMTP_HOST: 'localhost',
      SMTP_PORT_STARTTLS: String(smtpPorts.starttls),
      SMTP_PORT_TLS: String(smtpPorts.implicitTls),
    };
    options.adjustDeployments?.(deployments);

    // The SMTP relay's task, on the same accept path as the API.
    const certificate = await localSmtpCertificate(options.dataDir);
    const smtpDeployment = deployments.get(smtpTaskId);
    if (!smtpDeployment) throw new Error('The synthesized stack has no SMTP relay task');
    const functions = new LocalFunctions(deployments.values(), gateway, localValues);
    const smtpTask = await startSmtpTask(
      smtpDeployment,
      localEnvironment(smtpDeployment, gateway.endpoint, localValues),
      { SMTP_TLS_CERT: certificate.cert, SMTP_TLS_KEY: certificate.key },
      smtpPorts,
      // The relay's load balancer is in the parent stack (only the routes are nested).
      {
        starttls: targetGroupWritesProxyHeader(synthesized.template, 587),
        implicitTls: targetGroupWritesProxyHeader(synthesized.template, 465),
      },
    );
    stops.push(() => smtpTask.stop());
    stops.push(() => functions.stop());

    // Lambda's SQS event sources poll with each consumer's own role.
    const pollers = (Object.keys(queues) as QueueKey[]).map((key) => {
      const id = queueFunctionId(key);
      const sqs = new SQSClient({
        endpoint: gateway.endpoint,
        region: localAws.region,
        credentials: credentialsOf(eventSourceId(id)),
      });
      const poller = startQueuePoller(
        sqs,
        queues[key],
        localQueueUrl(gateway.endpoint, queues[key].name),
        (event, requestId) => functions.invoke(id, event, requestId),
      );
      return { poller, sqs };
    });
    stops.push(async () => {
      await Promise.all(pollers.map(({ poller }) => poller.stop()));
      for (const { sqs } of pollers) sqs.destroy();
    });

    const scheduler = startScheduler(scheduledJobs, options.scheduleIntervalSeconds ?? 10, (job, event) =>
      functions.invoke(jobFunctionId(job as keyof typeof scheduledJobs), event, event.id),
    );
    stops.push(async () => scheduler.stop());

    const assetReader = new S3Client({ endpoint: messaging.endpoint, forcePathStyle: true, ...localAws });
    const serveAsset = assetHandler(assetReader);
    const serveConsole = consoleHandler(credentials.liveKey);
    const apiServer = createApiServer(
      routes,
      (id, event, requestId) => functions.invoke(id, event, requestId),
      (request, response, url) =>
        serveAsset(request, response, url) ||
        handleViewer(localSes, request, response, url) ||
        serveConsole(request, response, url),
    );
    await listen(apiServer, apiPort);
    stops.push(async () => {
      await close(apiServer);
      assetReader.destroy();
    });

    return {
      apiUrl,
      smtp: { host: '127.0.0.1', ...smtpTask.ports, certificate: certificate.cert },
      gateway,
      invoke: (id, event) => functions.invoke(id, event, randomUUID()),
      sandboxDomain,
      viewerUrl: `${apiUrl}/_local/viewer`,
      sesUrl,
      credentials,
      env,
      deadLetterQueueUrls: messaging.deadLetterQueueUrls,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
