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
 * What Lambda's SQS event source does, locally: long-polls the queue, gathers up to the
 * CDK batch size (waiting up to the batching window for a fuller batch), invokes the
 * consumer with an `SQSEvent`, at most `maxConcurrency` at once, deletes the records it
 * did not list in `batchItemFailures`, and leaves the rest to reappear after the
 * visibility timeout (and reach the DLQ after maxReceiveCount). If the handler throws,
 * the whole batch stays, as on AWS. Like the event source, it polls with the consumer's
 * own role: `sqs` signs as the consumer.
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
  const inFlight = new Set<Promise<void>>();

  /** Up to `max` messages; SQS hands out at most 10 a receive, so larger batches take several. */
  const receive = async (max: number, waitSeconds: number) =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, max),
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      )
    ).Messages ?? [];

  /** A batch: the first messages, then more until the batch is full or its window has passed. */
  const gather = async (): Promise<Message[]> => {
    const messages = await receive(consumer.batchSize, 1);
    const windowEnds = Date.now() + consumer.batchingWindowSeconds * 1000;
    while (
      running &&
      messages.length > 0 &&
      messages.length < consumer.batchSize &&
      Date.now() < windowEnds
    ) {
      const more = await receive(consumer.batchSize - messages.length, 0);
      if (more.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      messages.push(...more);
    }
    return messages;
  };

  const handle = async (messages: Message[]) => {
    const event: SQSEvent = { Records: messages.map((message) => toRecord(message, queueArn)) };
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
    // SQS deletes at most 10 messages a request.
    for (let start = 0; start < done.length; start += 10) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done
            .slice(start, start + 10)
            .map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
  };

  const loop = async () => {
    while (running) {
      try {
        if (inFlight.size >= consumer.maxConcurrency) {
          await Promise.race(inFlight);
          continue;
        }
        const messages = await gather();
        if (messages.length === 0) continue;
        const invocation = handle(messages)
          .catch((error: unknown) => console.error(`local ${queue.name} poller failed`, error))
          .finally(() => inFlight.delete(invocation));
        inFlight.add(invocation);
      } catch (error) {
        if (running) {
          console.error(`local ${queue.name} poller failed; retrying`, error);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    }
  };
  const receiving = loop();

  return {
    stop: async () => {
      running = false;
      await receiving;
      await Promise.allSettled(inFlight);
    },
  };
}
