import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  CreateConfigurationSetCommand,
  GetAccountCommand,
  SESv2Client,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSes } from '../../infra/local/ses/local-ses.ts';
import { sesRequestListener } from '../../infra/local/ses/ses-server.ts';

const ses = new LocalSes({
  region: 'us-east-1',
  accountId: '000000000000',
  verificationDelayMs: 0,
  outcomeDelayMs: 60_000,
  maxSendRate: 14,
  max24HourSend: 50_000,
  requireVerifiedSender: false,
  publish: async () => {},
});
const server = createServer(sesRequestListener(ses));
let client: SESv2Client;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ses.trackingBaseUrl = endpoint;
  client = new SESv2Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  await client.send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'tracked' }));
});

afterAll(async () => {
  ses.close();
  client.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the local SES with a large message', () => {
  it('keeps answering while it parses and rewrites a 2 MB HTML-only message', async () => {
    // Prepare: an HTML part with no text part (the costliest to parse) and many links to track.
    const html = `<p>${'word <b>bold</b> <a href="https://example.com/x">link</a> '.repeat(35_000)}</p>`;
    const raw = await new MailComposer({ from: 'a@example.com', to: 'b@example.org', subject: 'big', html })
      .compile()
      .build();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();

    // Act: the send, and another call while it is in hand.
    const sending = client.send(
      new SendEmailCommand({
        Content: { Raw: { Data: raw } },
        ConfigurationSetName: 'tracked',
        ConfigurationOverrides: {
          Tracking: { OpenTrackingEnabled: 'ENABLED', ClickTrackingEnabled: 'ENABLED' },
        },
      }),
    );
    const askedAt = Date.now();
    await client.send(new GetAccountCommand({}));
    const answeredIn = Date.now() - askedAt;
    const sent = await sending;
    delay.disable();

    // Assess: the other call was not held up, the event loop never stalled, and the mail went.
    expect(sent.MessageId).toBeDefined();
    expect(answeredIn).toBeLessThan(2_000);
    expect(delay.max / 1e6).toBeLessThan(1_500);
    expect(ses.listMail()[0]?.subject).toBe('big');
  }, 30_000);
});
