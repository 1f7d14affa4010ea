import {
  Aspects,
  CfnOutput,
  Duration,
  Fn,
  type IAspect,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type CfnFunction, Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct, IConstruct } from 'constructs';
import {
  configurationSet as configurationSetDefinition,
  scheduledJobs,
  signingSecret,
  table as tableDefinition,
} from '#shared/resources.ts';
import { type Route, routes } from '../functions/routes.ts';
import { type DeploymentSettings, isProduction, parseDeploymentConfig } from './config.ts';
import { MailroomAlarms } from './constructs/alarms.ts';
import { AssetStore } from './constructs/asset-store.ts';
import type { CapabilityResources } from './constructs/capabilities.ts';
import { ConsoleSite } from './constructs/console-site.ts';
import { markResource } from './constructs/deployed-ids.ts';
import { MailroomHttpApi } from './constructs/http-api.ts';
import { MailroomFunction } from './constructs/mailroom-function.ts';
import { PayloadBucket } from './constructs/payload-bucket.ts';
import { SmtpRelay } from './constructs/smtp-relay.ts';
import { WorkerQueue } from './constructs/worker-queue.ts';
import { deployedFunction, jobFunctionId } from './function-catalogue.ts';

/** SES v2 event type names (as in `shared/resources.ts`) → the CDK's enum. */
const sesEvents: Record<(typeof configurationSetDefinition.eventTypes)[number], EmailSendingEvent> = {
  REJECT: EmailSendingEvent.REJECT,
  BOUNCE: EmailSendingEvent.BOUNCE,
  COMPLAINT: EmailSendingEvent.COMPLAINT,
  DELIVERY: EmailSendingEvent.DELIVERY,
  DELIVERY_DELAY: EmailSendingEvent.DELIVERY_DELAY,
  RENDERING_FAILURE: EmailSendingEvent.RENDERING_FAILURE,
  SUBSCRIPTION: EmailSendingEvent.SUBSCRIPTION,
  OPEN: EmailSendingEvent.OPEN,
  CLICK: EmailSendingEvent.CLICK,
};

/**
 * Mailroom: API → table + send queue → sender → SES; SES events → SNS → events queue →
 * events worker; alarms on all of it. This stack holds what everything shares (the
 * table, queues, buckets, topics, key, secret, the HTTP API and its stage), the queue
 * workers, the scheduled jobs, the SMTP relay, the console and every alarm; the routes'
 * functions live in one nested stack per area of the API (`MailroomHttpApi`). Every
 * name, key, batch size and redrive setting comes from `shared/resources.ts` and
 * `functions/routes.ts`, which the local runtime uses too; the deployment's settings
 * from `infra/config.ts`.
 */
export interface MailroomStackProps extends StackProps {
  /** Deployment settings (CDK context in `infra/app.ts`); validated here, defaults when absent. */
  readonly settings?: DeploymentSettings;
  /** The route table; the real one unless a test measures the stacks with a larger one. */
  readonly routes?: readonly Route[];
}

export class MailroomStack extends Stack {
  constructor(scope: Construct, id: string, props: MailroomStackProps = {}) {
    super(scope, id, props);
    const config = parseDeploymentConfig((name) => props.settings?.[name as keyof DeploymentSettings]);
    const production = isProduction(config);
    // Every log group of the stack (functions, API access logs, SMTP relay) keeps logs this long.
    Aspects.of(this).add(new LogRetention(config.logRetentionDays));
    Aspects.of(this).add(new FunctionTelemetry(config.logLevel, config.tracing));

    const table = new TableV2(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      globalSecondaryIndexes: tableDefinition.globalIndexes.map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      })),
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: production,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    markResource(table, 'table');

    // SNS encrypts at rest only with a customer managed key that SES and CloudWatch may use.
    const topicKey = new Key(this, 'TopicKey', {
      description: 'Mailroom: encrypts the SES events and alarm topics',
      enableKeyRotation: true,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const service of ['ses.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      topicKey.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal(service)],
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
    }
    const alarms = new MailroomAlarms(this, 'Alarms', { key: topicKey, email: config.alarmEmail });

    const sesEventsTopic = new Topic(this, 'SesEventsTopic', { enforceSSL: true, masterKey: topicKey });
    markResource(sesEventsTopic, 'topic:sesEvents');
    const configurationSet = new ConfigurationSet(this, 'ConfigurationSet', { reputationMetrics: true });
    markResource(configurationSet, 'configurationSet');
    configurationSet.addEventDestination('SnsDestination', {
      configurationSetEventDestinationName: configurationSetDefinition.eventDestinationName,
      destination: EventDestination.snsTopic(sesEventsTopic),
      events: configurationSetDefinition.eventTypes.map((type) => sesEvents[type]),
    });
    alarms.sesReputation();

    const payloadStore = new PayloadBucket(this, 'Payloads');
    const payloads = payloadStore.bucket;
    markResource(payloads, 'bucket:payloads');
    // Kept on `cdk destroy`, as the payload bucket is: CloudFormation cannot delete a bucket with objects in it.
    const assets = new AssetStore(this, 'Assets', {
      accessLogs: payloadStore.accessLogs,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    markResource(assets.bucket, 'bucket:assets');
    markResource(assets.distribution, 'distribution:assets');

    const signingKeys = new Secret(this, 'SigningKeys', {
      description: 'Mailroom: keys that sign OTP digests and unsubscribe links ({"current":"k1","k1":"…"})',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ current: signingSecret.firstKeyId }),
        generateStringKey: signingSecret.firstKeyId,
        passwordLength: signingSecret.keyLength,
        excludePunctuation: true,
      },
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    markResource(signingKeys, 'secret:signingKeys');
    Validations.of(signingKeys).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A signing key is rotated by adding a new one beside it (links signed with the old one stay valid), not by replacing the value on a schedule.',
    });

    // Queues first: the workers send to each other's queues.
    const send = new WorkerQueue(this, 'Send', 'send');
    const sesEventsQueue = new WorkerQueue(this, 'SesEvents', 'sesEvents');
    const webhooks = new WorkerQueue(this, 'Webhooks', 'webhooks');
    const slowWebhooks = new WorkerQueue(this, 'SlowWebhooks', 'slowWebhooks');
    const bulkSend = new WorkerQueue(this, 'BulkSend', 'bulkSend');
    const campaigns = new WorkerQueue(this, 'Campaigns', 'campaigns');
    // Not raw: the SNS envelope keeps the signature the events worker can check.
    sesEventsTopic.addSubscription(new SqsSubscription(sesEventsQueue.queue, { rawMessageDelivery: false }));
    for (const [name, worker] of Object.entries({
      Send: send,
      SesEvents: sesEventsQueue,
      Webhooks: webhooks,
      SlowWebhooks: slowWebhooks,
      BulkSend: bulkSend,
      Campaigns: campaigns,
    }))
      alarms.deadLetterQueue(name, worker.deadLetterQueue);

    // What every function's capabilities point at.
    const resources: CapabilityResources = {
      table,
      sendQueue: send.queue,
      webhookQueue: webhooks.queue,
      slowWebhookQueue: slowWebhooks.queue,
      bulkQueue: bulkSend.queue,
      campaignQueue: campaigns.queue,
      sesEventsQueue: sesEventsQueue.queue,
      payloads,
      signingKeys,
      assets,
      configurationSetName: configurationSet.configurationSetName,
      sesEventsTopicArn: sesEventsTopic.topicArn,
      config,
    };
    for (const worker of [send, sesEventsQueue, webhooks, slowWebhooks, bulkSend, campaigns])
      worker.addConsumer(resources);

    let smtpHost: string | undefined;
    if (config.smtp && config.smtpCertificateSecretArn) {
      const relay = new SmtpRelay(this, 'Smtp', {
        certificateSecretArn: config.smtpCertificateSecretArn,
        hostname: config.smtpHostname,
        resources,
      });
      alarms.smtpRelay(relay.targetGroups);
      smtpHost = config.smtpHostname ?? relay.loadBalancer.loadBalancerDnsName;
    }

    const http = new MailroomHttpApi(this, 'Http', {
      routes: props.routes ?? routes,
      resources: { ...resources, smtpHost },
    });
    alarms.httpApi(http.api);
    const consoleSite = new ConsoleSite(this, 'Console', {
      api: http.api,
      accessLogs: payloadStore.accessLogs,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.scheduledFunction('DomainVerifier', 'domainVerification', 're-check pending domains', resources);
    this.scheduledFunction('ScheduledRelease', 'scheduledRelease', 'release scheduled emails', resources);
    this.scheduledFunction('CampaignTicks', 'campaignTicks', 'tick every live campaign', resources);
    this.scheduledFunction('ListPurge', 'listPurge', 'delete the contacts of deleted lists', resources);
    this.scheduledFunction('LostEmails', 'lostEmails', 'fail emails recorded but never queued', resources);

    alarms.functions([
      ...this.node
        .findAll()
        .filter((construct) => construct instanceof MailroomFunction)
        .map((fn) => ({ fn, name: fn.node.path.slice(this.node.path.length + 1) })),
      { fn: consoleSite.uploader, name: 'ConsoleBundleUploader' },
    ]);

    // What a new operator needs: where the API answers, where SMTP answers, how to make the first key.
    new CfnOutput(this, 'ApiUrl', { value: http.api.apiEndpoint, description: 'Base URL of the REST API' });
    new CfnOutput(this, 'ConsoleUrl', {
      value: `https://${consoleSite.distribution.distributionDomainName}`,
      description: 'The web console (sign in with an API key); the API answers under it too, at /api/v1',
    });
    if (smtpHost) {
      new CfnOutput(this, 'SmtpHost', {
        value: smtpHost,
        description: 'SMTP relay host (ports 587 STARTTLS and 465 TLS); a CNAME to SmtpLoadBalancer',
      });
    }
    new CfnOutput(this, 'FirstKeyCommand', {
      value: Fn.join('', [
        'TABLE_NAME=',
        table.tableName,
        ` AWS_REGION=${this.region} npx mailroom init "My company" --project Production`,
      ]),
      description:
        'Creates the first account, project and API key (run in the repository; the key is shown once)',
    });
    // What the `mailroom` CLI needs to reach this deployment.
    new CfnOutput(this, 'TableName', {
      value: table.tableName,
      description: 'TABLE_NAME for the mailroom CLI',
    });
    new CfnOutput(this, 'SendQueueUrl', {
      value: send.queue.queueUrl,
      description: 'SEND_QUEUE_URL for the mailroom CLI',
    });
    new CfnOutput(this, 'PayloadBucketName', {
      value: payloads.bucketName,
      description: 'PAYLOAD_BUCKET for the mailroom CLI',
    });
    new CfnOutput(this, 'SigningSecretArn', {
      value: signingKeys.secretArn,
      description: 'SIGNING_SECRET_ARN for `mailroom signing-keys rotate`',
    });
    new CfnOutput(this, 'AssetsUrl', {
      value: `https://${assets.distribution.distributionDomainName}`,
      description: 'Where uploaded assets are served (each asset’s url starts with it)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarms.topic.topicArn,
      description: 'Every alarm notifies this topic; subscribe a pager or chat integration to it',
    });
  }

  /** A function run every `job.rateMinutes` by an EventBridge rule. */
  private scheduledFunction(
    id: string,
    key: keyof typeof scheduledJobs,
    purpose: string,
    resources: CapabilityResources,
  ) {
    const job = scheduledJobs[key];
    const fn = new MailroomFunction(this, id, {
      definition: deployedFunction(jobFunctionId(key)),
      description: `every ${job.rateMinutes} minute${job.rateMinutes === 1 ? '' : 's'}: ${purpose}`,
      resources,
    });
    new Rule(this, `${id}Schedule`, {
      schedule: Schedule.rate(Duration.minutes(job.rateMinutes)),
      targets: [new LambdaFunction(fn)],
    });
  }
}

/** Sets the retention of every log group in scope, so none keeps logs forever. */
class LogRetention implements IAspect {
  private readonly days: number;

  constructor(days: number) {
    this.days = days;
  }

  visit(node: IConstruct) {
    if (node instanceof CfnLogGroup) node.retentionInDays = this.days;
  }
}

/**
 * Every function's logs and traces as the settings say: JSON logs at the chosen level
 * (Powertools' own level alike), Lambda's START/END/REPORT lines left out (system level
 * WARN; duration and memory stay in CloudWatch metrics), and X-Ray active tracing or none.
 */
class FunctionTelemetry implements IAspect {
  private readonly level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  private readonly tracing: boolean;

  constructor(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR', tracing: boolean) {
    this.level = level;
    this.tracing = tracing;
  }

  visit(node: IConstruct) {
    // Every function: Mailroom's own and CDK's bucket-deployment one alike.
    if (!(node instanceof LambdaFn)) return;
    node.addEnvironment('POWERTOOLS_LOG_LEVEL', this.level);
    const cfn = node.node.defaultChild as CfnFunction;
    cfn.loggingConfig = {
      ...(cfn.loggingConfig as CfnFunction.LoggingConfigProperty | undefined),
      logFormat: 'JSON',
      applicationLogLevel: this.level,
      systemLogLevel: 'WARN',
    };
    cfn.tracingConfig = { mode: this.tracing ? 'Active' : 'PassThrough' };
  }
}
