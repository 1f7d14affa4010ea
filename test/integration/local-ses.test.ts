import { request } from 'node:http';
import {
  CreateConfigurationSetCommand,
  CreateConfigurationSetEventDestinationCommand,
  CreateEmailIdentityCommand,
  CreateTenantCommand,
  CreateTenantResourceAssociationCommand,
  DeleteEmailIdentityCommand,
  GetAccountCommand,
  GetEmailIdentityCommand,
  ListEmailIdentitiesCommand,
  ListTenantResourcesCommand,
  MessageRejected,
  NotFoundException,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('local SES: refuses what SES refuses', () => {
  const send = (to: string, from = `hello@${sender}`) =>
    ses.send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: [to] },
        Content: { Simple: { Subject: { Data: 'x' }, Body: { Text: { Data: 'x' } } } },
      }),
    );

  it('refuses malformed and internationalised (non-ASCII local part) addresses', async () => {
    for (const to of ['not-an-email', 'a@b@c', 'jörg@example.com', 'a@-bad-.example.com'])
      await expect(send(to), to).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(send('success@simulator.amazonses.com', `zoë@${sender}`)).rejects.toMatchObject({
      name: 'BadRequestException',
    });
  });

  it('refuses an identity that is neither a domain nor an address', async () => {
    await expect(
      ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'not a domain 123!' })),
    ).rejects.toMatchObject({ name: 'BadRequestException' });
  });

  it('says what it does not implement, rather than that something is missing', async () => {
    await expect(
      ses.send(
        new SendEmailCommand({
          FromEmailAddress: `hello@${sender}`,
          Destination: { ToAddresses: ['success@simulator.amazonses.com'] },
          Content: { Template: { TemplateName: 'welcome', TemplateData: '{}' } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotImplemented', message: expect.stringContaining('Content.Template') });
    const unknown = await fetch(`${sesUrl}/v2/email/contact-lists`);
    expect(unknown.status).toBe(501);
    expect(unknown.headers.get('x-amzn-errortype')).toMatch(/^NotImplemented/);
  });
});

describe('local SES: identities', () => {
  it('creates a domain identity with three DKIM tokens, PENDING until its delay passes', async () => {
    const domain = `pending-${Date.now()}.example.com`;
    const created = await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: domain }));
    expect(created.IdentityType).toBe('DOMAIN');
    expect(created.VerifiedForSendingStatus).toBe(false);
    expect(created.DkimAttributes?.Status).toBe('PENDING');
    expect(created.DkimAttributes?.Tokens).toHaveLength(3);
    for (const token of created.DkimAttributes?.Tokens ?? []) expect(token).toMatch(/^[a-z2-7]{32}$/);

    const verified = await eventually(
      () => ses.send(new GetEmailIdentityCommand({ EmailIdentity: domain })),
      (identity) => identity.VerifiedForSendingStatus === true,
    );
    expect(verified.VerificationStatus).toBe('SUCCESS');
    expect(verified.DkimAttributes?.Status).toBe('SUCCESS');

    const listed = await ses.send(new ListEmailIdentitiesCommand({}));
    expect(listed.EmailIdentities?.map((identity) => identity.IdentityName)).toContain(domain);

    await ses.send(new DeleteEmailIdentityCommand({ EmailIdentity: domain }));
    await expect(ses.send(new GetEmailIdentityCommand({ EmailIdentity: domain }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  it('lets the local-only control call pin an identity FAILED', async () => {
    const domain = `failed-${Date.now()}.example.com`;
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: domain }));
    await control(`/_local/identities/${domain}/status`, 'POST', { status: 'FAILED' });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const identity = await ses.send(new GetEmailIdentityCommand({ EmailIdentity: domain }));
    expect(identity.VerificationStatus).toBe('FAILED');
    expect(identity.VerifiedForSendingStatus).toBe(false);
  });
});

describe('local SES: sending', () => {
  it('refuses a sender that is not a verified identity, as SES does', async () => {
    await expect(
      ses.send(
        new SendEmailCommand({
          FromEmailAddress: 'nobody@unverified.example.org',
          Destination: { ToAddresses: ['success@simulator.amazonses.com'] },
          Content: { Simple: { Subject: { Data: 'no' }, Body: { Text: { Data: 'x' } } } },
        }),
      ),
    ).rejects.toBeInstanceOf(MessageRejected);
  });

  it('accepts a subdomain of a verified domain', async () => {
    const sent = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: `news@mail.${sender}`,
        Destination: { ToAddresses: ['success@simulator.amazonses.com'] },
        Content: { Simple: { Subject: { Data: 'sub' }, Body: { Text: { Data: 'x' } } } },
      }),
    );
    expect(sent.MessageId).toBeTruthy();
  });
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

  it('creates a tenant, associates resources, and records TenantName on a send', async () => {
    const name = `tenant-${Date.now()}`;
    const created = await ses.send(new CreateTenantCommand({ TenantName: name }));
    expect(created).toMatchObject({
      TenantName: name,
      SendingStatus: 'ENABLED',
      TenantArn: expect.stringContaining(`tenant/${name}/`),
    });
    const identityArn = `arn:aws:ses:us-east-1:000000000000:identity/${sender}`;
    await ses.send(
      new CreateTenantResourceAssociationCommand({ TenantName: name, ResourceArn: identityArn }),
    );
    const resources = await ses.send(new ListTenantResourcesCommand({ TenantName: name }));
    expect(resources.TenantResources).toEqual([{ ResourceType: 'EMAIL_IDENTITY', ResourceArn: identityArn }]);
    const { MessageId } = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: `tenant@${sender}`,
        Destination: { ToAddresses: ['success@simulator.amazonses.com'] },
        Content: { Simple: { Subject: { Data: 'tenant' }, Body: { Text: { Data: 'x' } } } },
        TenantName: name,
      }),
    );
    const captured = (await (await fetch(`${sesUrl}/_local/mail/${MessageId}`)).json()) as {
      tenantName?: string;
    };
    expect(captured.tenantName).toBe(name);
    await expect(
      ses.send(
        new SendEmailCommand({
          FromEmailAddress: `tenant@${sender}`,
          Destination: { ToAddresses: ['success@simulator.amazonses.com'] },
          Content: { Simple: { Subject: { Data: 'x' }, Body: { Text: { Data: 'x' } } } },
          TenantName: 'no-such-tenant',
        }),
      ),
    ).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('local SES: raw messages and the mail viewer', () => {
  it('sends a raw MIME message, taking recipients from its headers, and shows it in the viewer API', async () => {
    const subject = `Raw ${Date.now()}`;
    const mime = [
      `From: Raw Sender <raw@${sender}>`,
      'To: success@simulator.amazonses.com',
      'Cc: success+cc@simulator.amazonses.com',
      `Subject: ${subject}`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Raw <b>HTML</b></p>',
    ].join('\r\n');
    const { MessageId } = await ses.send(
      new SendEmailCommand({ Content: { Raw: { Data: new TextEncoder().encode(mime) } } }),
    );

    const mail = await (await fetch(`${sesUrl}/_local/mail/${MessageId}`)).json();
    expect(mail).toMatchObject({
      messageId: MessageId,
      subject,
      destination: ['success@simulator.amazonses.com', 'success+cc@simulator.amazonses.com'],
      html: '<p>Raw <b>HTML</b></p>',
    });
    const raw = await (await fetch(`${sesUrl}/_local/mail/${MessageId}/raw`)).text();
    expect(raw).toContain(`Subject: ${subject}`);
    const page = await fetch(`${sesUrl}/_local/viewer`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${sesUrl}/_local/mail/nope`)).status).toBe(404);
  });

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

describe('local SES: quota and throttling', () => {
  afterAll(() => control('/_local/account/quota', 'PUT', { MaxSendRate: 14 }));

  it('reports the configured quota and throttles past MaxSendRate with TooManyRequestsException', async () => {
    await control('/_local/account/quota', 'PUT', { MaxSendRate: 2 });
    const account = await ses.send(new GetAccountCommand({}));
    expect(account.SendQuota?.MaxSendRate).toBe(2);

    const send = () =>
      ses.send(
        new SendEmailCommand({
          FromEmailAddress: `rate@${sender}`,
          Destination: { ToAddresses: ['success@simulator.amazonses.com'] },
          Content: { Simple: { Subject: { Data: 'rate' }, Body: { Text: { Data: 'x' } } } },
        }),
      );
    // Other tests' mail may still be draining through the sender, so count only bounds.
    const outcomes = await Promise.allSettled([send(), send(), send(), send(), send()]);
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(outcomes.length - refused.length).toBeLessThanOrEqual(2);
    const error = (refused[0] as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(TooManyRequestsException);
    expect(error.message).toBe('Maximum sending rate exceeded.');
    expect(error.$metadata.httpStatusCode).toBe(429);
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
