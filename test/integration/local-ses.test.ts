/**
 * The local SES as the platform runs it: its tenants as the platform's sends make them,
 * its events through SNS, and its mail viewer's host check on the API port too. What it
 * answers on its own (refusals, identities, quota, raw messages) is proven in process on
 * port 0 in test/unit/local-ses.test.ts, so no test here changes the shared SES's quota.
 */
import { request } from 'node:http';
import {
  CreateConfigurationSetCommand,
  CreateConfigurationSetEventDestinationCommand,
  CreateEmailIdentityCommand,
  ListTenantResourcesCommand,
  SESv2Client,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { configurationSet, sesEventsTopic } from '#shared/resources.ts';
import { localQueueUrl } from '../../infra/local/messaging.ts';
import { apiUrl, eventually, sesUrl, useLocalAws } from './support.ts';

const env = useLocalAws();
// One attempt: the SDK would otherwise retry a throttled call until it passes.
const ses = new SESv2Client({ maxAttempts: 1 });

async function control(path: string, method: string, body: unknown) {
  const response = await fetch(`${sesUrl}${path}`, { method, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return response.json();
}

/** The verified identity these tests send from. */
const sender = `local-ses-${Date.now()}.example.net`;

beforeAll(async () => {
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: sender }));
  await control(`/_local/identities/${sender}/status`, 'POST', { status: 'SUCCESS' });
});

describe('local SES: tenants', () => {
  it('holds a tenant per account once that account sends (the platform runs with tenants on)', async () => {
    const { otherProjectKey, verifiedDomain, api, eventually } = await import('./support.ts');
    const { key, project } = await otherProjectKey();
    const { domain } = await verifiedDomain(key);
    const sent = await api('POST', '/api/v1/emails', {
      key,
      body: { from: `t@${domain}`, to: 'success@simulator.amazonses.com', subject: 'Tenant', text: 'x' },
    });
    const read = await eventually(
      () => api('GET', `/api/v1/emails/${sent.body.id}`, { key }),
      (response) => response.body.email.status === 'delivered',
    );
    const mail = (await (await fetch(`${sesUrl}/_local/mail/${read.body.email.messageId}`)).json()) as {
      tenantName?: string;
    };
    expect(mail.tenantName).toBe(`mailroom-${project.accountId}`);
    const resources = await ses.send(
      new ListTenantResourcesCommand({ TenantName: `mailroom-${project.accountId}` }),
    );
    expect(resources.TenantResources?.map((resource) => resource.ResourceArn)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`identity/${domain}`),
        expect.stringContaining('configuration-set/mailroom'),
      ]),
    );
  });
});

describe('local SES: the mail viewer', () => {
  it('shows captured mail only to requests naming a local host, on the SES and the API port alike', async () => {
    const statusFor = (base: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        const call = request(`${base}/_local/mail`, { headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        call.on('error', reject);
        call.end();
      });
    for (const base of [sesUrl, apiUrl]) {
      const port = new URL(base).port;
      expect(await statusFor(base, `rebound.example:${port}`)).toBe(403);
      expect(await statusFor(base, `localhost:${port}`)).toBe(200);
      expect(await statusFor(base, `127.0.0.1:${port}`)).toBe(200);
    }
  });
});

// biome-ignore lint/suspicious/noExplicitAny: SES event JSON, read by path in assertions.
type SesEventJson = Record<string, any>;

describe('local SES: events in SES JSON, through SNS', () => {
  const sqs = new SQSClient({});
  let queueUrl = '';
  // A configuration set of its own that publishes every event type, Send included
  // (Mailroom's own does not ask SES for Send events).
  const probeSet = `probe-${Date.now()}`;

  beforeAll(async () => {
    // A queue of our own on the events topic, to read exactly what SES published.
    const name = `ses-events-probe-${Date.now()}`;
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
    queueUrl = localQueueUrl(env.AWS_ENDPOINT_URL_SQS ?? '', name);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const topicArn = `arn:aws:sns:us-east-1:000000000000:${sesEventsTopic.name}`;
    await ses.send(new CreateConfigurationSetCommand({ ConfigurationSetName: probeSet }));
    await ses.send(
      new CreateConfigurationSetEventDestinationCommand({
        ConfigurationSetName: probeSet,
        EventDestinationName: 'probe',
        EventDestination: {
          Enabled: true,
          MatchingEventTypes: ['SEND', ...configurationSet.eventTypes],
          SnsDestination: { TopicArn: topicArn },
        },
      }),
    );
    await new SNSClient({}).send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }),
    );
  });

  async function eventsFor(to: string, count: number) {
    const { MessageId } = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: `events@${sender}`,
        Destination: { ToAddresses: [to] },
        Content: { Simple: { Subject: { Data: 'events' }, Body: { Text: { Data: 'x' } } } },
        ConfigurationSetName: probeSet,
        EmailTags: [{ Name: 'campaign', Value: 'probe' }],
      }),
    );
    const seen: SesEventJson[] = [];
    await eventually(
      async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const message of Messages) {
          const envelope = JSON.parse(message.Body ?? '{}');
          const event = JSON.parse(envelope.Message);
          if (event.mail.messageId === MessageId) seen.push(event);
        }
        return seen.length;
      },
      (length) => length >= count,
    );
    return { messageId: MessageId, events: seen };
  }

  it('publishes Send then Delivery for success@, with the mail object and tags', async () => {
    const { messageId, events } = await eventsFor('success@simulator.amazonses.com', 2);
    expect(events.map((event) => event.eventType)).toEqual(['Send', 'Delivery']);
    const [send, delivery] = events as [SesEventJson, SesEventJson];
    expect(send.send).toEqual({});
    expect(send.mail).toMatchObject({
      messageId,
      source: `events@${sender}`,
      destination: ['success@simulator.amazonses.com'],
      sendingAccountId: '000000000000',
      tags: {
        campaign: ['probe'],
        'ses:configuration-set': [probeSet],
        'ses:from-domain': [sender],
      },
      commonHeaders: { subject: 'events' },
    });
    expect(delivery.delivery).toMatchObject({
      recipients: ['success@simulator.amazonses.com'],
      smtpResponse: expect.stringMatching(/^250 /),
    });
  });

  it('publishes a Permanent/OnAccountSuppressionList bounce for suppressionlist@', async () => {
    const { events } = await eventsFor('suppressionlist@simulator.amazonses.com', 2);
    const bounce = events.find((event) => event.eventType === 'Bounce') as SesEventJson;
    expect(bounce.bounce).toMatchObject({
      bounceType: 'Permanent',
      bounceSubType: 'OnAccountSuppressionList',
      bouncedRecipients: [{ emailAddress: 'suppressionlist@simulator.amazonses.com' }],
    });
  });

  it('publishes Delivery then Complaint for complaint@, and only Delivery for ooto@', async () => {
    const complaint = await eventsFor('complaint@simulator.amazonses.com', 3);
    expect(complaint.events.map((event) => event.eventType)).toEqual(['Send', 'Delivery', 'Complaint']);
    expect((complaint.events[2] as SesEventJson).complaint).toMatchObject({
      complainedRecipients: [{ emailAddress: 'complaint@simulator.amazonses.com' }],
      complaintFeedbackType: 'abuse',
    });
    const ooto = await eventsFor('ooto@simulator.amazonses.com', 2);
    expect(ooto.events.map((event) => event.eventType)).toEqual(['Send', 'Delivery']);
  });
});
