import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
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
import { MailroomHttpApi } from './constructs/http-api.ts';
import { MailroomFunction } from './constructs/mailroom-function.ts';
import {
  sesAccountReadPolicy,
  sesIdentityReadPolicy,
  sesSendPolicy,
  sesTenantEnvironment,
  sesTenantPolicy,
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
 * events queue → events worker. Every name, key, batch size and redrive setting comes
 * from `shared/resources.ts` and `functions/routes.ts`, which the local runtime uses too.
 */
export interface MailroomStackProps extends StackProps {
  /**
   * The operator's shared sandbox sender domain (a verified SES identity of this
   * account): every project may send from it, up to 100 emails a day. CDK context
   * `sandboxDomain`; off when unset.
   */
  readonly sandboxDomain?: string;
  /** Sends in 24 hours before the reputation state machine judges an account (default 100). */
  readonly reputationMinimumSends?: number;
  /**
   * The SMTP relay (ECS Fargate behind an NLB) runs when this is set: the ARN of a Secrets
   * Manager secret `{"cert","key"}` with the TLS certificate for `smtpHostname`. Off
   * otherwise, for teams that do not need its fixed monthly cost.
   */
  readonly smtpCertificateSecretArn?: string;
  readonly smtpHostname?: string;
  /**
   * One SES tenant per account (`CreateTenant`, identities and the configuration set
   * associated, `TenantName` on every send), so SES's own reputation policy also keeps
   * accounts apart. Off by default.
   */
  readonly sesTenants?: boolean;
}

export class MailroomStack extends Stack {
  constructor(scope: Construct, id: string, props: MailroomStackProps = {}) {
    super(scope, id, props);

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
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const tableEnv = { [tableDefinition.envVar]: table.tableName };

    const sesEventsTopic = new Topic(this, 'SesEventsTopic', { enforceSSL: true });
    const configurationSet = new ConfigurationSet(this, 'ConfigurationSet', { reputationMetrics: true });
    configurationSet.addEventDestination('SnsDestination', {
      configurationSetEventDestinationName: configurationSetDefinition.eventDestinationName,
      destination: EventDestination.snsTopic(sesEventsTopic),
      events: configurationSetDefinition.eventTypes.map((type) => sesEvents[type]),
    });

    const payloads = new Bucket(this, 'Payloads', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(payloadBucket.expireAfterDays) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    const webhooks = new WorkerQueue(this, 'Webhooks', {
      definition: queues.webhooks,
      // Production delivers over https to public addresses only.
      environment: { ...tableEnv, WEBHOOK_ALLOW_LOOPBACK: 'false' },
    });
    table.grantReadWriteData(webhooks.consumer);
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
    table.grantReadWriteData(send.consumer);
    payloads.grantRead(send.consumer);
    send.consumer.addToRolePolicy(sesSendPolicy(this, configurationSet.configurationSetName));
    if (props.sesTenants) {
      for (const [name, value] of Object.entries(sesTenantEnvironment(this)))
        send.consumer.addEnvironment(name, value);
      send.consumer.addToRolePolicy(sesTenantPolicy(this, configurationSet.configurationSetName));
    }
    send.consumer.addToRolePolicy(sesAccountReadPolicy());

    const sesEventsQueue = new WorkerQueue(this, 'SesEvents', {
      definition: queues.sesEvents,
      environment: {
        ...tableEnv,
        [sesEventsTopicDefinition.envVar]: sesEventsTopic.topicArn,
        VERIFY_SNS_SIGNATURES: 'true',
        ...webhookEnv,
        ...(props.reputationMinimumSends === undefined
          ? {}
          : { REPUTATION_MINIMUM_SENDS: String(props.reputationMinimumSends) }),
      },
    });
    table.grantReadWriteData(sesEventsQueue.consumer);
    webhooks.queue.grantSendMessages(sesEventsQueue.consumer);
    // Not raw: the SNS envelope keeps the signature the events worker can check.
    sesEventsTopic.addSubscription(new SqsSubscription(sesEventsQueue.queue, { rawMessageDelivery: false }));

    let smtpHost: string | undefined;
    if (props.smtpCertificateSecretArn) {
      const relay = new SmtpRelay(this, 'Smtp', {
        certificateSecretArn: props.smtpCertificateSecretArn,
        hostname: props.smtpHostname ?? 'smtp.example.com',
        environment: {
          ...tableEnv,
          [queues.send.envVar]: send.queue.queueUrl,
          [payloadBucket.envVar]: payloads.bucketName,
          ...webhookEnv,
          ...(props.sandboxDomain ? { [sandboxSender.envVar]: props.sandboxDomain } : {}),
        },
        grant: (role) => {
          table.grantReadWriteData(role);
          send.queue.grantSendMessages(role);
          webhooks.queue.grantSendMessages(role);
          payloads.grantPut(role);
        },
      });
      smtpHost = props.smtpHostname ?? relay.loadBalancer.loadBalancerDnsName;
    }

    new MailroomHttpApi(this, 'Http', {
      smtpHost,
      routes,
      table,
      sendQueue: send.queue,
      webhookQueue: webhooks.queue,
      payloads,
      configurationSetName: configurationSet.configurationSetName,
      sandboxDomain: props.sandboxDomain,
      sesTenants: props.sesTenants,
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

    const verifier = this.scheduledFunction(
      'DomainVerifier',
      scheduledJobs.domainVerification,
      're-check pending domains',
      {
        ...tableEnv,
        [configurationSetDefinition.envVar]: configurationSet.configurationSetName,
      },
    );
    table.grantReadWriteData(verifier);
    verifier.addToRolePolicy(sesIdentityReadPolicy(this));

    const release = this.scheduledFunction(
      'ScheduledRelease',
      scheduledJobs.scheduledRelease,
      'release scheduled emails',
      {
        ...tableEnv,
        [queues.send.envVar]: send.queue.queueUrl,
      },
    );
    table.grantReadWriteData(release);
    send.queue.grantSendMessages(release);
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
