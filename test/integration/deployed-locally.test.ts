import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queues } from '#shared/resources.ts';
import type { GatewayRequest } from '../../infra/local/iam/gateway.ts';
import { credentialsOf } from '../../infra/local/local-functions.ts';
import { localQueueUrl } from '../../infra/local/messaging.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { eventually } from './eventually.ts';

/**
 * The tests that need the platform other than the shared one, on one platform of their own
 * (the suite's files run at once on the shared one, so none may change what others rely on).
 *
 * The local runtime runs each function as the synthesized stack deploys it. The control
 * tests use a deployment that lacks one grant and one variable, and show that the affected
 * paths then fail as they would on AWS; and that a function's own credentials reach nothing
 * its policy does not allow, with each service's own AccessDenied. Its events queue
 * redelivers in a second (the shared one keeps the real timeout, so a slow batch there is
 * never redelivered while it still runs). And its SES account is this file's alone: the
 * test of the daily quota changes it.
 */
let runtime: LocalRuntime;
const denials: GatewayRequest[] = [];

beforeAll(async () => {
  runtime = await startLocalRuntime({
    apiPort: 0,
    logLevel: 'CRITICAL',
    visibilityTimeoutSeconds: { sesEvents: 1 },
    ses: { outcomeDelayMs: 50 },
    adjustDeployments: (deployments) => {
      // The send route without sqs:SendMessage…
      const send = deployments.get('route:POST /api/v1/emails');
      if (send) {
        send.statements = send.statements.filter(
          (statement) => ![statement.Action].flat().includes('sqs:SendMessage'),
        );
      }
      // …and the domain verifier without its table's name.
      const verifier = deployments.get('job:domainVerification');
      if (verifier) delete verifier.environment.TABLE_NAME;
    },
  });
  runtime.gateway.observe((request) => {
    if (request.denied) denials.push(request);
  });
});

afterAll(() => runtime?.stop());

const headers = () => ({
  authorization: `Bearer ${runtime.credentials.liveKey}`,
  'content-type': 'application/json',
});

describe('a deployment missing a grant', () => {
  it('refuses the call at the service, so the send fails and nothing of it stays', async () => {
    const answer = await fetch(`${runtime.apiUrl}/api/v1/emails`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({
        from: `hello@${runtime.sandboxDomain}`,
        to: 'success@simulator.amazonses.com',
        subject: 'Never queued',
        text: 'x',
      }),
    });
    expect(answer.status).toBe(500);
    expect(denials).toContainEqual(
      expect.objectContaining({
        functionId: 'route:POST /api/v1/emails',
        denied: { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:000000000000:mailroom-send' },
      }),
    );
    const list = (await (await fetch(`${runtime.apiUrl}/api/v1/emails`, { headers: headers() })).json()) as {
      emails: { subject: string }[];
    };
    expect(list.emails.filter((email) => email.subject === 'Never queued')).toEqual([]);
  });
});

describe('a deployment missing a variable', () => {
  it('fails the function with the variable and the capability it needs', async () => {
    await expect(runtime.invoke('job:domainVerification', { source: 'aws.events' })).rejects.toThrow(
      /TABLE_NAME.*"table:readWrite"/,
    );
  });
});

describe("a function's own credentials", () => {
  const as = (functionId: string) => ({
    endpoint: runtime.gateway.endpoint,
    region: 'us-east-1',
    credentials: credentialsOf(functionId),
  });

  it('get each service’s AccessDenied for what its policy lacks', async () => {
    const health = new DynamoDBClient(as('route:GET /health'));
    await expect(
      health.send(new GetItemCommand({ TableName: 'mailroom', Key: { pk: { S: 'x' }, sk: { S: 'x' } } })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });

    const reader = as('route:GET /api/v1/emails');
    await expect(
      new SQSClient(reader).send(
        new SendMessageCommand({
          QueueUrl: localQueueUrl(runtime.gateway.endpoint, 'mailroom-send'),
          MessageBody: '{}',
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(
      new S3Client({ ...reader, forcePathStyle: true }).send(
        new PutObjectCommand({ Bucket: 'mailroom-payloads', Key: 'payloads/x.json', Body: '{}' }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(
      new SESv2Client(as('route:GET /api/v1/domains')).send(
        new SendEmailCommand({
          FromEmailAddress: `hello@${runtime.sandboxDomain}`,
          Destination: { ToAddresses: ['success@simulator.amazonses.com'] },
          Content: { Simple: { Subject: { Data: 'x' }, Body: { Text: { Data: 'x' } } } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('reach what the policy allows, on its resources only', async () => {
    const sender = new SQSClient(as('route:POST /api/v1/emails/batch'));
    await expect(
      sender.send(
        new SendMessageCommand({
          QueueUrl: localQueueUrl(runtime.gateway.endpoint, 'mailroom-send-dlq'),
          MessageBody: '{}',
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    const payloads = new S3Client({ ...as('route:POST /api/v1/emails/batch'), forcePathStyle: true });
    await payloads.send(
      new PutObjectCommand({ Bucket: 'mailroom-payloads', Key: 'payloads/ok.json', Body: '{}' }),
    );
    await expect(
      payloads.send(new PutObjectCommand({ Bucket: 'mailroom-payloads', Key: 'elsewhere.json', Body: '{}' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('are unknown to the gateway when made up', async () => {
    const stranger = new DynamoDBClient({
      ...as('route:GET /health'),
      credentials: { accessKeyId: 'AKIAMADEUP', secretAccessKey: 'x' },
    });
    await expect(
      stranger.send(new GetItemCommand({ TableName: 'mailroom', Key: { pk: { S: 'x' }, sk: { S: 'x' } } })),
    ).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
  });
});

/** A request to this file's platform with its own live key, JSON in and out. */
async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${runtime.apiUrl}${path}`, {
    method,
    headers: headers(),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A domain of this platform's default project, verified at once. */
async function verifiedDomain(label: string) {
  const domain = `${label}-${Date.now().toString(36)}.example.com`;
  const created = await call('POST', '/api/v1/domains', { domain });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const status = await fetch(`${runtime.sesUrl}/_local/identities/${domain}/status`, {
    method: 'POST',
    body: JSON.stringify({ status: 'SUCCESS' }),
  });
  expect(status.status).toBe(200);
  expect((await call('POST', `/api/v1/domains/${created.body.id}/verify`)).body.status).toBe('verified');
  return domain;
}

/** This platform's queues, as the operator reaches them. */
const operatorSqs = () =>
  new SQSClient({
    region: runtime.env.AWS_REGION,
    endpoint: runtime.env.AWS_ENDPOINT_URL_SQS,
    credentials: {
      accessKeyId: runtime.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: runtime.env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  });

describe('a queue whose processing fails', () => {
  it('retries an events-queue message whose processing fails, then moves it to the DLQ after maxReceiveCount', async () => {
    const { env } = runtime;
    const sqs = operatorSqs();
    const body = JSON.stringify({ poison: `not an email ${Date.now()}` });
    await sqs.send(new SendMessageCommand({ QueueUrl: env[queues.sesEvents.envVar], MessageBody: body }));

    const received = await eventually(
      async () =>
        (
          await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: runtime.deadLetterQueueUrls.sesEvents,
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
});

describe('the SES account’s daily quota', () => {
  const quota = async (body: Record<string, number>) =>
    (
      (await (
        await fetch(`${runtime.sesUrl}/_local/account/quota`, { method: 'PUT', body: JSON.stringify(body) })
      ).json()) as { SendQuota: { Max24HourSend: number; SentLast24Hours: number } }
    ).SendQuota;
  let domain = '';
  beforeAll(async () => {
    domain = await verifiedDomain('account');
  });

  async function campaignTo(label: string, count: number) {
    const list = await call('POST', '/api/v1/lists', { name: label });
    const contacts = Array.from({ length: count }, (_, i) => ({ email: `${label}-${i}@example.com` }));
    const imported = await call('POST', '/api/v1/contacts/import', { listId: list.body.id, contacts });
    expect(imported.body.importedCount).toBe(count);
    const created = await call('POST', '/api/v1/campaigns', {
      name: label,
      subject: `${label} news`,
      fromEmail: `news@${domain}`,
      listId: list.body.id,
      content: '<p>Hello {{email}}</p>',
    });
    return created.body.id as string;
  }

  it('pauses at SES’s 24-hour quota, of which campaigns use at most their share', async () => {
    const id = await campaignTo(`daily-${Date.now()}`, 5);
    const before = await quota({});
    try {
      // Room for transactional mail today, none for campaigns: 80 % of the quota is already sent.
      await quota({ Max24HourSend: Math.ceil(before.SentLast24Hours / 0.8) + 1 });
      expect((await call('POST', `/api/v1/campaigns/${id}/launch`)).body.status).toBe('sending');
      const paused = await eventually(
        async () => (await call('GET', `/api/v1/campaigns/${id}`)).body.data,
        (data) => data?.status === 'paused',
        30_000,
      );
      expect(paused).toMatchObject({ pausedReason: 'ses_daily_quota', sentCount: 0 });
    } finally {
      await quota({ Max24HourSend: before.Max24HourSend });
    }
  }, 60_000);
});
