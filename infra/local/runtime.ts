import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
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
  configurationSet,
  payloadBucket,
  type QueueKey,
  queues,
  sandboxSender,
  scheduledJobs,
  sesEventsTopic,
  table,
} from '#shared/resources.ts';
import { routes } from '../../functions/routes.ts';
import { ensureDefaultTenant, type LocalCredentials } from './bootstrap.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { createApiServer } from './http-adapter.ts';
import { localAccountId, localAws } from './local-aws.ts';
import { startMessaging } from './messaging.ts';
import { startQueuePoller } from './queue-poller.ts';
import { startScheduler } from './scheduler.ts';
import { LocalSes } from './ses/local-ses.ts';
import { sesRequestListener } from './ses/ses-server.ts';
import { handleViewer } from './ses/viewer.ts';
import { localSmtpCertificate } from './smtp-certificate.ts';

export interface LocalRuntimeOptions {
  /** Where data survives restarts (`.mailroom/`); everything is in memory when absent. */
  dataDir?: string;
  /** API port; 0 picks a free one. The stand-ins take free ports unless given. */
  apiPort: number;
  servicePorts?: { ses?: number; messaging?: number; dynamodb?: number };
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
  /** SMTP relay ports (STARTTLS, implicit TLS); 0 picks free ones. */
  smtpPorts?: { starttls: number; implicitTls: number };
  /** The shared sandbox domain every project may send from; created verified in the local SES. */
  sandboxDomain?: string;
  logLevel?: string;
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
  /** Environment that points an AWS SDK client (or a handler) at the stand-ins. */
  env: Record<string, string>;
  deadLetterQueueUrls: Record<QueueKey, string>;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return (server.address() as AddressInfo).port;
}

async function close(server: Server) {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
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
 * SES, the API on the route table, and the queue consumers, wired through the same
 * environment variables the CDK stack sets. `stop()` ends every server and child.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error: unknown) => console.error(error));
    stops.length = 0;
  };

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
    const sesServer = createServer(sesRequestListener(localSes));
    const sesPort = await listen(sesServer, options.servicePorts?.ses ?? 0);
    const sesUrl = `http://127.0.0.1:${sesPort}`;
    stops.push(async () => {
      localSes.close();
      await close(sesServer);
      sns.destroy();
    });

    const sesClient = new SESv2Client({ endpoint: sesUrl, ...localAws });
    await ensureConfigurationSet(sesClient, messaging.sesEventsTopicArn);
    sesClient.destroy();
    const sandboxDomain = options.sandboxDomain ?? defaultSandboxDomain;
    localSes.ensureVerifiedIdentity(sandboxDomain);

    const env: Record<string, string> = {
      AWS_REGION: localAws.region,
      AWS_ACCESS_KEY_ID: localAws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localAws.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SQS: messaging.endpoint,
      AWS_ENDPOINT_URL_SNS: messaging.endpoint,
      AWS_ENDPOINT_URL_S3: messaging.endpoint,
      AWS_ENDPOINT_URL_SESV2: sesUrl,
      [table.envVar]: table.name,
      [configurationSet.envVar]: configurationSet.name,
      [sandboxSender.envVar]: sandboxDomain,
      [payloadBucket.envVar]: payloadBucket.name,
      [sesEventsTopic.envVar]: messaging.sesEventsTopicArn,
      // fauxqs does not sign notifications; the stack sets this to true.
      VERIFY_SNS_SIGNATURES: 'false',
      SES_TENANTS: options.sesTenants ? 'on' : 'off',
      SES_ARN_PREFIX: `arn:aws:ses:${localAws.region}:${localAccountId}:`,
      // A developer's receiver runs on this laptop: http to loopback is allowed here only.
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      ...(options.webhooks?.retrySchedule
        ? { WEBHOOK_RETRY_SCHEDULE: options.webhooks.retrySchedule.join(',') }
        : {}),
      ...(options.webhooks?.deactivateAfter
        ? { WEBHOOK_DEACTIVATE_AFTER: String(options.webhooks.deactivateAfter) }
        : {}),
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'INFO',
      // CloudWatch turns metric log lines into metrics; locally they would only be noise.
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...Object.fromEntries(
        (Object.keys(queues) as QueueKey[]).map((key) => [queues[key].envVar, messaging.queueUrls[key]]),
      ),
    };
    // Handlers read their configuration from the environment at load, as on Lambda.
    Object.assign(process.env, env);

    const credentials = await ensureDefaultTenant(options.dataDir && join(options.dataDir, 'local.json'));

    const sqs = new SQSClient({ endpoint: messaging.endpoint, ...localAws });
    const pollers = (Object.keys(queues) as QueueKey[]).map((key) =>
      startQueuePoller(sqs, queues[key], messaging.queueUrls[key]),
    );
    stops.push(async () => {
      await Promise.all(pollers.map((poller) => poller.stop()));
      sqs.destroy();
    });

    // The SMTP relay, on the same accept service as the API.
    const certificate = await localSmtpCertificate(options.dataDir);
    const { createSmtpBridge } = await import('../../functions/smtp/smtp-bridge.ts');
    const smtpBridge = createSmtpBridge({ ...certificate, hostname: 'localhost' });
    const smtpPorts = await smtpBridge.listen(options.smtpPorts ?? { starttls: 0, implicitTls: 0 });
    stops.push(() => smtpBridge.close());
    Object.assign(process.env, {
      SMTP_HOST: 'localhost',
      SMTP_PORT_STARTTLS: String(smtpPorts.starttls),
      SMTP_PORT_TLS: String(smtpPorts.implicitTls),
    });

    const scheduler = startScheduler(scheduledJobs, options.scheduleIntervalSeconds ?? 10);
    stops.push(async () => scheduler.stop());

    const apiServer = createApiServer(routes, (request, response, url) =>
      handleViewer(localSes, request, response, url),
    );
    const apiPort = await listen(apiServer, options.apiPort);
    stops.push(() => close(apiServer));
    const apiUrl = `http://localhost:${apiPort}`;

    return {
      apiUrl,
      smtp: { host: '127.0.0.1', ...smtpPorts, certificate: certificate.cert },
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
