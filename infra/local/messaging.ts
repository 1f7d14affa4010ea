import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  QueueNameExists,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import {
  assetStore,
  deadLetterQueueName,
  deadLetterRetentionSeconds,
  payloadBucket,
  type QueueDefinition,
  type QueueKey,
  queues,
  sesEventsTopic,
} from '#shared/resources.ts';
import { keepIdleConnections } from './http-util.ts';
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

/** fauxqs's stores, kept in SQLite under `dataDir`: queued messages, topics and objects survive a crash. */
async function durableStores(dataDir: string) {
  // fauxqs wires its persistence only into a server on every interface (`startFauxqs`);
  // these are its own modules, wired the same way into one on 127.0.0.1.
  const dist = dirname(fileURLToPath(import.meta.resolve('fauxqs')));
  const load = (path: string) => import(pathToFileURL(join(dist, path)).href);
  const [{ PersistenceManager }, { SqsStore }, { SnsStore }, { S3Store }] = await Promise.all([
    load('persistence.js'),
    load('sqs/sqsStore.js'),
    load('sns/snsStore.js'),
    load('s3/s3Store.js'),
  ]);
  const persistence = new PersistenceManager(dataDir);
  const stores = { sqsStore: new SqsStore(), snsStore: new SnsStore(), s3Store: new S3Store() };
  // Loaded before the stores are told to persist, so loading writes nothing back.
  persistence.load(stores.sqsStore, stores.snsStore, stores.s3Store);
  stores.sqsStore.persistence = persistence;
  stores.snsStore.persistence = persistence;
  stores.s3Store.persistence = persistence;
  for (const queue of stores.sqsStore.allQueues()) queue.persistence = persistence;
  return { stores, close: () => persistence.close() };
}

/**
 * Starts fauxqs (SQS, SNS, S3) on 127.0.0.1 and creates Mailroom's queues, their DLQs,
 * the payload and asset buckets, the SES events topic and its subscriptions from `shared/resources.ts`, through the
 * same API calls CloudFormation would make. With `dataDir`, messages, topics and objects
 * are kept on disk, so mail accepted before a crash is still sent after it; without,
 * everything is in memory.
 *
 * `visibilityTimeoutSeconds` overrides a queue's timeout, so tests can watch
 * redelivery and the DLQ in seconds instead of minutes.
 */
export async function startMessaging(options: {
  port: number;
  dataDir?: string;
  visibilityTimeoutSeconds?: Partial<Record<QueueKey, number>>;
}): Promise<Messaging> {
  const durable = options.dataDir ? await durableStores(options.dataDir) : undefined;
  // `host` only shapes the queue URLs fauxqs returns; Mailroom hands out its own
  // `http://127.0.0.1:PORT/000000000000/<name>` form, which the SDK uses as the endpoint.
  const app = buildApp({ logger: false, host: 'localhost', ...(durable ? { stores: durable.stores } : {}) });
  await app.listen({ port: options.port, host: '127.0.0.1' });
  keepIdleConnections(app.server);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const endpoint = `http://127.0.0.1:${port}`;
  const sqs = new SQSClient({ endpoint, ...localAws });
  const sns = new SNSClient({ endpoint, ...localAws });
  const s3 = new S3Client({ endpoint, forcePathStyle: true, ...localAws });

  const createQueue = async (name: string, attributes: Record<string, string>) => {
    const url = localQueueUrl(endpoint, name);
    await sqs
      .send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))
      .catch(async (error) => {
        // Kept from an earlier start with other settings: brought up to these.
        if (!(error instanceof QueueNameExists)) throw error;
        await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
      });
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

  for (const bucket of [payloadBucket.name, assetStore.name]) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: unknown) => {
      if ((error as Error).name !== 'BucketAlreadyOwnedByYou') throw error;
    });
  }

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
      durable?.close();
    },
  };
}
