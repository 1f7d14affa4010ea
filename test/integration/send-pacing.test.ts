import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, expect, inject, it } from 'vitest';
import { queues } from '#shared/resources.ts';
import { api, capturedMail, eventually, sesUrl, useLocalAws, verifiedDomain } from './support.ts';

const env = useLocalAws();

const setRate = (MaxSendRate: number) =>
  fetch(`${sesUrl}/_local/account/quota`, { method: 'PUT', body: JSON.stringify({ MaxSendRate }) });

afterAll(() => setRate(14));

// It lowers the shared SES account's rate, so it runs last and alone (its own project in vitest.config.ts).

it('delivers 200 emails exactly once at a MaxSendRate of 2, losing none', async () => {
  const { domain } = await verifiedDomain();
  await setRate(2);
  // The sender caches the quota for a minute; a new quota reaches it through SES's throttling too.
  const run = `pacing-${Date.now()}`;
  const batches = await Promise.all(
    [0, 1].map((half) =>
      api('POST', '/api/v1/emails/batch', {
        body: {
          emails: Array.from({ length: 100 }, (_, i) => ({
            from: `pace@${domain}`,
            to: 'success@simulator.amazonses.com',
            subject: `${run} ${half * 100 + i}`,
            text: 'x',
          })),
        },
      }),
    ),
  );
  for (const batch of batches) expect(batch.status, JSON.stringify(batch.body)).toBe(200);
  const ids = batches.flatMap((batch) => batch.body.data.map((row: { id: string }) => row.id));
  expect(new Set(ids).size).toBe(200);

  const sent = await eventually(
    async () => (await capturedMail()).filter((mail) => mail.subject.startsWith(run)),
    (mail) => mail.length >= 200,
    // Two a second less one position in three (no one-second window may hold three): 150 s.
    240_000,
  );
  const perEmail = new Map<string, number>();
  for (const mail of sent)
    perEmail.set(
      mail.tags.mailroom_email_id ?? '',
      (perEmail.get(mail.tags.mailroom_email_id ?? '') ?? 0) + 1,
    );
  expect(perEmail.size).toBe(200);
  expect([...perEmail.values()].every((count) => count === 1)).toBe(true);

  // Once the send queue holds nothing, waiting or in flight, nothing more can reach its DLQ.
  const sqs = new SQSClient({});
  await eventually(
    async () => {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: env[queues.send.envVar],
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes.ApproximateNumberOfMessages) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible)
      );
    },
    (left) => left === 0,
  );
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: inject('sendDeadLetterQueueUrl'),
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
    }),
  );
  expect(Messages).toHaveLength(0);
  sqs.destroy();
}, 300_000);
