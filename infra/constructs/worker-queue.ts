import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterRetentionSeconds, type QueueKey, queues } from '#shared/resources.ts';
import { deployedFunction, queueFunctionId } from '../function-catalogue.ts';
import type { CapabilityResources } from './capabilities.ts';
import { markResource } from './deployed-ids.ts';
import { MailroomFunction } from './mailroom-function.ts';

/**
 * A queue, its dead-letter queue and (once every queue exists, since workers send to each
 * other's) the Lambda that consumes it, all shaped by one definition in
 * `shared/resources.ts`: batch size, concurrency, visibility timeout, max receives and
 * the consumer's capabilities. The consumer reports partial batch failures, so only
 * failed messages come back, and a message that keeps failing rests in the DLQ.
 */
export class WorkerQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  private readonly key: QueueKey;

  constructor(scope: Construct, id: string, key: QueueKey) {
    super(scope, id);
    this.key = key;
    const definition = queues[key];
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(deadLetterRetentionSeconds),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
    });
    markResource(this.queue, `queue:${key}`);
    markResource(this.deadLetterQueue, `deadLetterQueue:${key}`);
  }

  /** The consumer, with its capabilities pointing at `resources`. */
  addConsumer(resources: CapabilityResources): MailroomFunction {
    const definition = queues[this.key];
    const consumer = new MailroomFunction(this, 'Consumer', {
      definition: deployedFunction(queueFunctionId(this.key)),
      description: `consumer of ${definition.name}`,
      memoryMb: 'memoryMb' in definition.consumer ? definition.consumer.memoryMb : undefined,
      resources,
    });
    consumer.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: definition.consumer.batchSize,
        maxBatchingWindow:
          definition.consumer.batchingWindowSeconds > 0
            ? Duration.seconds(definition.consumer.batchingWindowSeconds)
            : undefined,
        maxConcurrency: definition.consumer.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    return consumer;
  }
}
