import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { expect, inject, it } from 'vitest';
import { queues } from '#shared/resources.ts';
import { eventually, useLocalAws } from './support.ts';

const env = useLocalAws();

it('retries an events-queue message whose processing fails, then moves it to the DLQ after maxReceiveCount', async () => {
  const sqs = new SQSClient({});
  const body = JSON.stringify({ poison: `not an email ${Date.now()}` });
  await sqs.send(new SendMessageCommand({ QueueUrl: env[queues.sesEvents.envVar], MessageBody: body }));

  const dlqUrl = inject('eventsDeadLetterQueueUrl');
  const received = await eventually(
    async () =>
      (
        await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: dlqUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
        )
      ).Messages ?? [],
    (messages) => messages.some((message) => message.Body === body),
    25_000,
  );
  const dead = received.find((message) => message.Body === body);
  // Received by the events worker maxReceiveCount times, then once more here from the DLQ.
  expect(Number(dead?.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(
    queues.sesEvents.maxReceiveCount,
  );
  sqs.destroy();
});
