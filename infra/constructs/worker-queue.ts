import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterRetentionSeconds, type QueueDefinition } from '#shared/resources.ts';
import { MailroomFunction } from './mailroom-function.ts';

export interface WorkerQueueProps {
  readonly definition: QueueDefinition;
  /** Environment of the consumer (table name, configuration set…). */
  readonly environment?: Record<string, string>;
}

/**
 * A queue, its dead-letter queue and the Lambda that consumes it, all shaped by one
 * definition in `shared/resources.ts`: batch size, concurrency, visibility timeout and
 * max receives. The consumer reports partial batch failures, so only failed messages
 * come back, and a message that keeps failing rests in the DLQ.
 */
export class WorkerQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly consumer: MailroomFunction;

  constructor(scope: Construct, id: string, props: WorkerQueueProps) {
    super(scope, id);
    const { definition } = props;
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
    this.consumer = new MailroomFunction(this, 'Consumer', {
      entry: definition.consumer.entry,
      description: `consumer of ${definition.name}`,
      timeout: Duration.seconds(definition.consumer.timeoutSeconds),
      environment: props.environment,
    });
    this.consumer.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: definition.consumer.batchSize,
        maxConcurrency: definition.consumer.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }
}
