import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, expect, it } from 'vitest';
import { queues } from '#shared/resources.ts';
import { startOwnPlatform } from './own-platform.ts';
import { eventually } from './support.ts';

// A platform of its own whose events queue redelivers in a second: the shared one keeps
// the real timeout, so a slow batch there is never redelivered while it still runs.
const platform = await startOwnPlatform({ visibilityTimeoutSeconds: { sesEvents: 1 } });
afterAll(() => platform.kill());

it('retries an events-queue message whose processing fails, then moves it to the DLQ after maxReceiveCount', async () => {
  const { env } = platform;
  const sqs = new SQSClient({
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL_SQS,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  });
  const body = JSON.stringify({ poison: `not an email ${Date.now()}` });
  await sqs.send(new SendMessageCommand({ QueueUrl: env[queues.sesEvents.envVar], MessageBody: body }));

  const received = await eventually(
    async () =>
      (
        await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: platform.deadLetterQueueUrls.sesEvents,
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
