import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRequest } from '../../infra/local/iam/gateway.ts';
import { credentialsOf } from '../../infra/local/local-functions.ts';
import { localQueueUrl } from '../../infra/local/messaging.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';

/**
 * The local runtime runs each function as the synthesized stack deploys it. These
 * control tests start a platform of their own whose deployment lacks one grant and one
 * variable, and show that the affected paths then fail as they would on AWS; and that a
 * function's own credentials reach nothing its policy does not allow, with each
 * service's own AccessDenied.
 */
let runtime: LocalRuntime;
const denials: GatewayRequest[] = [];

beforeAll(async () => {
  runtime = await startLocalRuntime({
    apiPort: 0,
    logLevel: 'CRITICAL',
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
