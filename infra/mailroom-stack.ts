import {
  Aspects,
  CfnOutput,
  Duration,
  Fn,
  type IAspect,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct, IConstruct } from 'constructs';
import {
  configurationSet as configurationSetDefinition,
  payloadBucket,
  queues,
  type ScheduledJob,
  sandboxSender,
  scheduledJobs,
  sesEventsTopic as sesEventsTopicDefinition,
  table as tableDefinition,
} from '#shared/resources.ts';
import { routes } from '../functions/routes.ts';
import {
  type DeploymentSettings,
  defaultLimitsEnvironment,
  isProduction,
  parseDeploymentConfig,
} from './config.ts';
import { MailroomAlarms } from './constructs/alarms.ts';
import { grantObjects, grantTableItems } from './constructs/grants.ts';
import { MailroomHttpApi } from './constructs/http-api.ts';
import { MailroomFunction } from './constructs/mailroom-function.ts';
import { PayloadBucket } from './constructs/payload-bucket.ts';
import {
  grantSesAccountRead,
  grantSesIdentityRead,
  grantSesSend,
  grantSesTenants,
  sesTenantEnvironment,
} from './constructs/ses-policies.ts';
import { SmtpRelay } from './constructs/smtp-relay.ts';
import { WorkerQueue } from './constructs/worker-queue.ts';

/** SES v2 event type names (as in `shared/resources.ts`) → the CDK's enum. */
const sesEvents: Record<(typeof configurationSetDefinition.eventTypes)[number], EmailSendingEvent> = {
  SEND: EmailSendingEvent.SEND,
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
 * Mailroom in one stack: API → table + send queue → sender → SES; SES events → SNS →
 * events queue → events worker; alarms on all of it. Every name, key, batch size and
 * redrive setting comes from `shared/resources.ts` and `functions/routes.ts`, which the
 * local runtime uses too; the deployment's settings from `infra/config.ts`.
 */
export interface MailroomStackProps extends StackProps {
  /** Deployment settings (CDK context in `infra/app.ts`); validated here, defaults when absent. */
  readonly settings?: DeploymentSettings;
}

export class MailroomStack extends Stack {
  constructor(scope: Construct, id: string, props: MailroomStackProps = {}) {
    super(scope, id, props);
    const config = parseDeploymentConfig((name) => props.settings?.[name as keyof DeploymentSettings]);
    const production = isProduction(config);
    // Every log group of the stack (functions, API access logs, SMTP relay) keeps logs this long.
    Aspects.of(this).add(new LogRetention(config.logRetentionDays));

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
    const tableEnv = { [tableDefinition.envVar]: table.tableName };

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
    const configurationSet = new ConfigurationSet(this, 'ConfigurationSet', { reputationMetrics: true });
    configurationSet.addEventDestination('SnsDestination', {
      configurationSetEventDestinationName: configurationSetDefinition.eventDestinationName,
      destination: EventDestination.snsTopic(sesEventsTopic),
      events: configurationSetDefinition.eventTypes.map((type) => sesEvents[type]),
    });
    alarms.sesReputation();

    const payloads = new PayloadBucket(this, 'Payloads').bucket;

    const webhooks = new WorkerQueue(this, 'Webhooks', {
      definition: queues.webhooks,
      // Production delivers over https to public addresses only.
      environment: { ...tableEnv, WEBHOOK_ALLOW_LOOPBACK: 'false' },
    });
    grantTableItems(table, webhooks.consumer);
    const webhookEnv = { [queues.webhooks.envVar]: webhooks.queue.queueUrl };

    const send = new WorkerQueue(this, 'Send', {
      definition: queues.send,
      environment: {
        ...tableEnv,
        [configurationSetDefinition.envVar]: configurationSet.configurationSetName,
        [payloadBucket.envVar]: payloads.bucketName,
        ...webhookEnv,
      },
    });
    webhooks.queue.grantSendMessages(send.consumer);
    // The sender defers throttled messages itself (ChangeMessageVisibility on its own queue).
    send.consumer.addEnvironment(queues.send.envVar, send.queue.queueUrl);
    grantTableItems(table, send.consumer);
    grantObjects(payloads, send.consumer, 'get');
    grantSesSend(send.consumer, this, configurationSet.configurationSetName);
    if (config.sesTenants) {
      for (const [name, value] of Object.entries(sesTenantEnvironment(this)))
        send.consumer.addEnvironment(name, value);
      grantSesTenants(send.consumer, this, configurationSet.configurationSetName);
    }
    grantSesAccountRead(send.consumer);

    const sesEventsQueue = new WorkerQueue(this, 'SesEvents', {
      definition: queues.sesEvents,
      environment: {
        ...tableEnv,
        [sesEventsTopicDefinition.envVar]: sesEventsTopic.topicArn,
        VERIFY_SNS_SIGNATURES: 'true',
        ...webhookEnv,
        REPUTATION_MINIMUM_SENDS: String(config.reputationMinimumSends),
      },
    });
    grantTableItems(table, sesEventsQueue.consumer);
    webhooks.queue.grantSendMessages(sesEventsQueue.consumer);
    // Not raw: the SNS envelope keeps the signature the events worker can check.
    sesEventsTopic.addSubscription(new SqsSubscription(sesEventsQueue.queue, { rawMessageDelivery: false }));
    for (const [name, worker] of Object.entries({
      Send: send,
      SesEvents: sesEventsQueue,
      Webhooks: webhooks,
    }))
      alarms.deadLetterQueue(name, worker.deadLetterQueue);

    // What every path that accepts mail needs to know: the default limits, the sandbox domain.
    const acceptEnv = {
      ...defaultLimitsEnvironment(config),
      ...(config.sandboxDomain ? { [sandboxSender.envVar]: config.sandboxDomain } : {}),
    };

    let smtpHost: string | undefined;
    if (config.smtp && config.smtpCertificateSecretArn) {
      const relay = new SmtpRelay(this, 'Smtp', {
        certificateSecretArn: config.smtpCertificateSecretArn,
        hostname: config.smtpHostname,
        environment: {
          ...tableEnv,
          [queues.send.envVar]: send.queue.queueUrl,
          [payloadBucket.envVar]: payloads.bucketName,
          ...webhookEnv,
          ...acceptEnv,
        },
        grant: (role) => {
          grantTableItems(table, role);
          send.queue.grantSendMessages(role);
          webhooks.queue.grantSendMessages(role);
          grantObjects(payloads, role, 'put');
        },
      });
      alarms.smtpRelay(relay.targetGroups);
      smtpHost = config.smtpHostname ?? relay.loadBalancer.loadBalancerDnsName;
    }

    const http = new MailroomHttpApi(this, 'Http', {
      smtpHost,
      routes,
      table,
      sendQueue: send.queue,
      webhookQueue: webhooks.queue,
      payloads,
      configurationSetName: configurationSet.configurationSetName,
      acceptEnvironment: acceptEnv,
      sesTenants: config.sesTenants,
    });
    alarms.httpApi(http.api);

    const verifier = this.scheduledFunction(
      'DomainVerifier',
      scheduledJobs.domainVerification,
      're-check pending domains',
      {
        ...tableEnv,
        [configurationSetDefinition.envVar]: configurationSet.configurationSetName,
      },
    );
    grantTableItems(table, verifier);
    grantSesIdentityRead(verifier, this);

    const release = this.scheduledFunction(
      'ScheduledRelease',
      scheduledJobs.scheduledRelease,
      'release scheduled emails',
      {
        ...tableEnv,
        [queues.send.envVar]: send.queue.queueUrl,
      },
    );
    grantTableItems(table, release);
    send.queue.grantSendMessages(release);

    alarms.functions(
      this.node
        .findAll()
        .filter((construct) => construct instanceof MailroomFunction)
        .map((fn) => ({ fn, name: fn.node.path.slice(this.node.path.length + 1) })),
    );

    // What a new operator needs: where the API answers, where SMTP answers, how to make the first key.
    new CfnOutput(this, 'ApiUrl', { value: http.api.apiEndpoint, description: 'Base URL of the REST API' });
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
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarms.topic.topicArn,
      description: 'Every alarm notifies this topic; subscribe a pager or chat integration to it',
    });
  }

  /** A function run every `job.rateMinutes` by an EventBridge rule. */
  private scheduledFunction(
    id: string,
    job: ScheduledJob,
    purpose: string,
    environment: Record<string, string>,
  ) {
    const fn = new MailroomFunction(this, id, {
      entry: job.entry,
      description: `every ${job.rateMinutes} minute${job.rateMinutes === 1 ? '' : 's'}: ${purpose}`,
      timeout: Duration.seconds(job.timeoutSeconds),
      environment,
    });
    new Rule(this, `${id}Schedule`, {
      schedule: Schedule.rate(Duration.minutes(job.rateMinutes)),
      targets: [new LambdaFunction(fn)],
    });
    return fn;
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
