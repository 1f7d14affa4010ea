import { randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueDefinition } from '#shared/resources.ts';
import { localAccountId, localAws } from './local-aws.ts';

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? localAccountId,
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          stringValue: value.StringValue,
          binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: localAws.region,
  };
}

export interface QueuePoller {
  stop: () => Promise<void>;
}

/**
 * What Lambda's SQS event source does, locally: long-polls the queue with the CDK
 * batch size and concurrency, invokes the consumer with an `SQSEvent`, deletes the
 * records it did not list in `batchItemFailures`, and leaves the rest to reappear after
 * the visibility timeout (and reach the DLQ after maxReceiveCount). If the handler
 * throws, the whole batch stays, as on AWS. Like the event source, it polls with the
 * consumer's own role: `sqs` signs as the consumer.
 */
export function startQueuePoller(
  sqs: SQSClient,
  queue: QueueDefinition,
  queueUrl: string,
  invoke: (event: SQSEvent, requestId: string) => Promise<unknown>,
): QueuePoller {
  const { consumer } = queue;
  const queueArn = `arn:aws:sqs:${localAws.region}:${localAccountId}:${queue.name}`;
  let running = true;

  const pollOnce = async () => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: consumer.batchSize,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return;
    const event: SQSEvent = { Records: Messages.map((message) => toRecord(message, queueArn)) };
    let failed: Set<string>;
    try {
      const result = (await invoke(event, randomUUID())) as SQSBatchResponse | undefined;
      failed = new Set(result?.batchItemFailures?.map((failure) => failure.itemIdentifier) ?? []);
    } catch (error) {
      console.error(`local ${queue.name} consumer threw; the batch will be redelivered`, error);
      return;
    }
    const done = event.Records.filter((record) => !failed.has(record.messageId));
    if (done.length === 0) return;
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
      }),
    );
  };

  const loop = async () => {
    while (running) {
      try {
        await pollOnce();
      } catch (error) {
        if (running) {
          console.error(`local ${queue.name} poller failed; retrying`, error);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    }
  };
  const loops = Array.from({ length: consumer.maxConcurrency }, loop);

  return {
    stop: async () => {
      running = false;
      await Promise.allSettled(loops);
    },
  };
}
