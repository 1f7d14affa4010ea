import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import {
  deadLetterQueueName,
  deadLetterRetentionSeconds,
  payloadBucket,
  type QueueDefinition,
  type QueueKey,
  queues,
  sesEventsTopic,
} from '#shared/resources.ts';
import { localAccountId, localAws } from './local-aws.ts';

export interface Messaging {
  endpoint: string;
  queueUrls: Record<QueueKey, string>;
  deadLetterQueueUrls: Record<QueueKey, string>;
  sesEventsTopicArn: string;
  stop: () => Promise<void>;
}

/** The URL of a local queue, on the same host and port as the SQS endpoint. */
export function localQueueUrl(endpoint: string, name: string): string {
  return `${endpoint}/${localAccountId}/${name}`;
}

/**
 * Starts fauxqs (SQS, SNS, S3) on 127.0.0.1 and creates Mailroom's queues, their DLQs,
 * the payload bucket, the SES events topic and its subscriptions from `shared/resources.ts`, through the
 * same API calls CloudFormation would make. Queue state lives in memory.
 *
 * `visibilityTimeoutSeconds` overrides a queue's timeout, so tests can watch
 * redelivery and the DLQ in seconds instead of minutes.
 */
export async function startMessaging(options: {
  port: number;
  visibilityTimeoutSeconds?: Partial<Record<QueueKey, number>>;
}): Promise<Messaging> {
  // `host` only shapes the queue URLs fauxqs returns; Mailroom hands out its own
  // `http://127.0.0.1:PORT/000000000000/<name>` form, which the SDK uses as the endpoint.
  const app = buildApp({ logger: false, host: 'localhost' });
  await app.listen({ port: options.port, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const endpoint = `http://127.0.0.1:${port}`;
  const sqs = new SQSClient({ endpoint, ...localAws });
  const sns = new SNSClient({ endpoint, ...localAws });
  const s3 = new S3Client({ endpoint, forcePathStyle: true, ...localAws });

  const createQueue = async (name: string, attributes: Record<string, string>) => {
    await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const url = localQueueUrl(endpoint, name);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    return { url, arn: Attributes?.QueueArn ?? '' };
  };

  const queueUrls = {} as Record<QueueKey, string>;
  const deadLetterQueueUrls = {} as Record<QueueKey, string>;
  const queueArns = {} as Record<QueueKey, string>;
  for (const [key, queue] of Object.entries(queues) as [QueueKey, QueueDefinition][]) {
    const dlq = await createQueue(deadLetterQueueName(queue), {
      MessageRetentionPeriod: String(deadLetterRetentionSeconds),
    });
    const main = await createQueue(queue.name, {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds?.[key] ?? queue.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: queue.maxReceiveCount }),
    });
    queueUrls[key] = main.url;
    deadLetterQueueUrls[key] = dlq.url;
    queueArns[key] = main.arn;
  }

  await s3.send(new CreateBucketCommand({ Bucket: payloadBucket.name })).catch((error: unknown) => {
    if ((error as Error).name !== 'BucketAlreadyOwnedByYou') throw error;
  });

  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: sesEventsTopic.name }));
  for (const key of sesEventsTopic.subscribedQueues) {
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArns[key] }));
  }

  return {
    endpoint,
    queueUrls,
    deadLetterQueueUrls,
    sesEventsTopicArn: TopicArn ?? '',
    stop: async () => {
      sqs.destroy();
      sns.destroy();
      s3.destroy();
      await app.close();
    },
  };
}
