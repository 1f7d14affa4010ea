/**
 * The local SES (infra/local/ses/) in this process on 127.0.0.1 port 0, driven by the
 * real SESv2 client: what it refuses, its identities, quota, tenants and raw messages.
 * Its events through SNS, and the host check it shares with the API port, are proven with
 * the whole platform in test/integration/local-ses.test.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSes } from '../../infra/local/ses/local-ses.ts';
import { sesRequestListener } from '../../infra/local/ses/ses-server.ts';

const local = new LocalSes({
  region: 'us-east-1',
  accountId: '000000000000',
  // Short, so an identity verifies within a test; long enough to be seen PENDING first.
  verificationDelayMs: 300,
  outcomeDelayMs: 60_000,
  maxSendRate: 14,
  max24HourSend: 50_000,
  requireVerifiedSender: true,
  publish: async () => {},
});
const server = createServer(sesRequestListener(local));
let endpoint = '';
let ses: SESv2Client;

/** The verified identity these tests send from. */
const sender = 'local-ses.example.net';

async function control(path: string, method: string, body: unknown) {
  const response = await fetch(`${endpoint}${path}`, { method, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return response.json();
}

/** Polls `read` until `done` accepts its value, or fails after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  local.trackingBaseUrl = endpoint;
  // One attempt: the SDK would otherwise retry a throttled call until it passes.
  ses = new SESv2Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: sender }));
  await control(`/_local/identities/${sender}/status`, 'POST', { status: 'SUCCESS' });
});

afterAll(async () => {
  ses.destroy();
  local.close();
  await new Promise((resolve) => server.close(resolve));
});

const simple = (from: string, to = 'success@simulator.amazonses.com') =>
  new SendEmailCommand({
    FromEmailAddress: from,
    Destination: { ToAddresses: [to] },
    Content: { Simple: { Subject: { Data: 'x' }, Body: { Text: { Data: 'x' } } } },
  });

describe('local SES: refuses what SES refuses', () => {
  it('refuses malformed and internationalised (non-ASCII local part) addresses', async () => {
    for (const to of ['not-an-email', 'a@b@c', 'jörg@example.com', 'a@-bad-.example.com'])
      await expect(ses.send(simple(`hello@${sender}`, to)), to).rejects.toMatchObject({
        name: 'BadRequestException',
      });
    await expect(ses.send(simple(`zoë@${sender}`))).rejects.toMatchObject({ name: 'BadRequestException' });
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
    const unknown = await fetch(`${endpoint}/v2/email/contact-lists`);
    expect(unknown.status).toBe(501);
    expect(unknown.headers.get('x-amzn-errortype')).toMatch(/^NotImplemented/);
  });
});

describe('local SES: identities', () => {
  it('creates a domain identity with three DKIM tokens, PENDING until its delay passes', async () => {
    const domain = 'pending.example.com';
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

  it('lets the local-only control call pin an identity FAILED, past the delay that verifies the others', async () => {
    const [pinned, other] = ['failed.example.com', 'verifies.example.com'];
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: pinned }));
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: other }));
    await control(`/_local/identities/${pinned}/status`, 'POST', { status: 'FAILED' });
    // Once an identity made at the same moment has verified, the delay has passed for both.
    await eventually(
      () => ses.send(new GetEmailIdentityCommand({ EmailIdentity: other })),
      (identity) => identity.VerifiedForSendingStatus === true,
    );
    const identity = await ses.send(new GetEmailIdentityCommand({ EmailIdentity: pinned }));
    expect(identity.VerificationStatus).toBe('FAILED');
    expect(identity.VerifiedForSendingStatus).toBe(false);
  });
});

describe('local SES: sending', () => {
  it('refuses a sender that is not a verified identity, as SES does', async () => {
    await expect(ses.send(simple('nobody@unverified.example.org'))).rejects.toBeInstanceOf(MessageRejected);
  });

  it('accepts a subdomain of a verified domain', async () => {
    const sent = await ses.send(simple(`news@mail.${sender}`));
    expect(sent.MessageId).toBeTruthy();
  });
});

describe('local SES: quota and throttling', () => {
  afterAll(() => control('/_local/account/quota', 'PUT', { MaxSendRate: 14 }));

  it('reports the configured quota and throttles past MaxSendRate with TooManyRequestsException', async () => {
    await control('/_local/account/quota', 'PUT', { MaxSendRate: 2 });
    const account = await ses.send(new GetAccountCommand({}));
    expect(account.SendQuota?.MaxSendRate).toBe(2);

    const send = () => ses.send(simple(`rate@${sender}`));
    const outcomes = await Promise.allSettled([send(), send(), send(), send(), send()]);
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(outcomes.length - refused.length).toBeLessThanOrEqual(2);
    const error = (refused[0] as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(TooManyRequestsException);
    expect(error.message).toBe('Maximum sending rate exceeded.');
    expect(error.$metadata.httpStatusCode).toBe(429);
  });
});

describe('local SES: tenants', () => {
  it('creates a tenant, associates resources, and records TenantName on a send', async () => {
    const name = 'tenant-one';
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
    const captured = (await (await fetch(`${endpoint}/_local/mail/${MessageId}`)).json()) as {
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
    const subject = 'Raw message';
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

    const mail = await (await fetch(`${endpoint}/_local/mail/${MessageId}`)).json();
    expect(mail).toMatchObject({
      messageId: MessageId,
      subject,
      destination: ['success@simulator.amazonses.com', 'success+cc@simulator.amazonses.com'],
      html: '<p>Raw <b>HTML</b></p>',
    });
    const raw = await (await fetch(`${endpoint}/_local/mail/${MessageId}/raw`)).text();
    expect(raw).toContain(`Subject: ${subject}`);
    const page = await fetch(`${endpoint}/_local/viewer`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${endpoint}/_local/mail/nope`)).status).toBe(404);
  });
});
