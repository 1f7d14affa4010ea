/**
 * The SMTP bridge (functions/smtp/) in this process on 127.0.0.1 port 0, with its real
 * admission path against the local stand-ins (DynamoDB Local, the send queue), driven by
 * real clients: nodemailer, Python's smtplib and raw sockets. Each test proves what the
 * relay answers; what happens to accepted mail after the queue (the sender, SES, status
 * over REST) is proven through the whole platform in smtp.test.ts.
 */
import './short-key-cache.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayBufferBudget } from '#functions/smtp/message-buffer.ts';
import { createSmtpBridge, type SmtpBridge } from '#functions/smtp/smtp-bridge.ts';
import { maxMessageBytes } from '#shared/emails/attachments.ts';
import { localSmtpCertificate } from '../../infra/local/smtp-certificate.ts';
import {
  addProjectKey,
  api,
  eventually,
  otherProjectKey,
  testKey,
  useLocalAws,
  verifiedDomain,
} from './support.ts';

useLocalAws();

let certificate: { key: string; cert: string };
let bridge: SmtpBridge;
let ports: { starttls: number; implicitTls: number };
let domain = '';
let key = '';

beforeAll(async () => {
  certificate = await localSmtpCertificate();
  bridge = createSmtpBridge({
    ...certificate,
    hostname: 'localhost',
    proxyProtocol: false,
    bufferBudgetBytes: relayBufferBudget(512, maxMessageBytes),
  });
  ports = await bridge.listen({ starttls: 0, implicitTls: 0 });
  ({ domain } = await verifiedDomain());
  ({ liveKey: key } = await import('./support.ts'));
});

afterAll(() => bridge.close());

/** A nodemailer client of the bridge: STARTTLS on the submission port, or implicit TLS. */
function transport(options: { password?: string; secure?: boolean; localAddress?: string } = {}) {
  const secure = options.secure ?? false;
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: secure ? ports.implicitTls : ports.starttls,
    secure,
    requireTLS: !secure,
    localAddress: options.localAddress,
    auth: { user: 'anything', pass: options.password ?? key },
    tls: { ca: certificate.cert, servername: 'localhost' },
  });
}

/**
 * Where a test proves only what the relay answers, it sends with a test key: its mail is
 * accepted and recorded like any other but never queued, so this file spends none of the
 * shared SES's sending rate that the platform's files wait on.
 */
const acceptOnly = { password: testKey };

const queuedId = (response: string) => /queued as (em_[0-9A-Z]+)/.exec(response)?.[1] ?? '';
const accepted = /^250 2\.0\.0 Ok: queued as em_/;

describe('the SMTP bridge over its admission path', () => {
  it('accepts over implicit TLS', async () => {
    const info = await transport({ ...acceptOnly, secure: true }).sendMail({
      from: `app@${domain}`,
      to: 'success@simulator.amazonses.com',
      subject: 'Over TLS',
      text: 'x',
    });
    expect(info.response).toMatch(accepted);
  });

  it("accepts Python's smtplib with starttls() and login()", async () => {
    const script = `
import smtplib, ssl, sys
from email.message import EmailMessage
context = ssl.create_default_context(cadata=sys.argv[4])
message = EmailMessage()
message["From"] = "py@" + sys.argv[3]
message["To"] = "success@simulator.amazonses.com"
message["Subject"] = "From Python"
message.set_content("Sent by smtplib")
with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as server:
    server.ehlo()
    server.starttls(context=context)
    server.login("python", sys.argv[2])
    server.send_message(message)
print("sent")`;
    const { stdout } = await promisify(execFile)('python3', [
      '-c',
      script,
      String(ports.starttls),
      testKey,
      domain,
      certificate.cert,
    ]);
    expect(stdout.trim()).toBe('sent');
  });

  it('takes at most 50 recipients; answers 452 4.5.3 for the 51st', async () => {
    const info = await transport(acceptOnly).sendMail({
      from: `app@${domain}`,
      to: Array.from({ length: 51 }, (_, i) => `success+r${i}@simulator.amazonses.com`),
      subject: 'Many',
      text: 'x',
    });
    expect(info.accepted).toHaveLength(50);
    expect(info.rejected).toHaveLength(1);
    expect(String(info.rejectedErrors?.[0]?.response)).toMatch(/^452 4\.5\.3/);
  });

  it('refuses a non-ASCII local part, which SES cannot deliver', async () => {
    await expect(
      transport().sendMail({
        envelope: { from: `app@${domain}`, to: ['jörg@example.com'] },
        from: `app@${domain}`,
        to: 'jörg@example.com',
        subject: 'x',
        text: 'x',
      }),
    ).rejects.toMatchObject({ responseCode: 553 });
  });

  it('holds X-Mailroom-Tags to the REST rules: no reserved names, at most 50', async () => {
    const client = transport();
    const message = {
      from: `app@${domain}`,
      to: 'success@simulator.amazonses.com',
      subject: 'Tags',
      text: 'x',
    };
    const reserved = 'mailroom_email_id=em_x, mailroom_project_id=prj_x, mailroom_account_id=acc_x';
    const many = Array.from({ length: 60 }, (_, i) => `t${i}=v`).join(', ');
    for (const tags of [reserved, many]) {
      await expect(
        client.sendMail({ ...message, headers: { 'X-Mailroom-Tags': tags } }),
      ).rejects.toMatchObject({
        responseCode: 550,
      });
    }
  });

  it('refuses a message with two From fields or two authors in one (550)', async () => {
    const client = transport();
    const raw = (from: string, extra = '') =>
      `From: ${from}\r\n${extra}To: success@simulator.amazonses.com\r\nSubject: Authors ${Date.now()}\r\n\r\nx\r\n`;
    const envelope = { from: `app@${domain}`, to: ['success@simulator.amazonses.com'] };
    for (const message of [
      raw(`app@${domain}, ceo@victim.example`),
      raw(`app@${domain}`, 'From: ceo@victim.example\r\n'),
    ]) {
      await expect(client.sendMail({ envelope, raw: message })).rejects.toMatchObject({
        responseCode: 550,
        response: expect.stringMatching(/^550 5\.7\.1 The message must have exactly one From header/),
      });
    }
  });

  it("refuses a Sender header naming another tenant's domain, or an unverified one, with the policy answer", async () => {
    const { key: otherKey } = await otherProjectKey();
    const { domain: theirs } = await verifiedDomain(otherKey);
    const client = transport();
    const message = { from: `app@${domain}`, to: 'success@simulator.amazonses.com', text: 'x' };
    await expect(
      client.sendMail({ ...message, sender: `ceo@${theirs}`, subject: `Sender theirs ${Date.now()}` }),
    ).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringMatching(/^550 5\.7\.1 The Sender header/),
    });
    await expect(
      client.sendMail({ ...message, sender: 'ceo@unverified.example.net', subject: 'Sender unverified' }),
    ).rejects.toMatchObject({ responseCode: 550, response: expect.stringMatching(/5\.7\.1/) });
    const ours = await client.sendMail({ ...message, sender: `ops@${domain}`, subject: 'Sender ours' });
    expect(ours.response).toMatch(accepted);
  });

  it('answers 550 for an unverified From domain, an all-suppressed message and a message without From', async () => {
    const client = transport();
    await expect(
      client.sendMail({
        from: 'x@unverified.example.net',
        to: 'success@simulator.amazonses.com',
        subject: 'x',
        text: 'x',
      }),
    ).rejects.toMatchObject({ responseCode: 550, response: expect.stringMatching(/5\.7\.1/) });

    await api('POST', '/api/v1/suppressions', { body: { email: 'blocked-bridge@example.org' } });
    await expect(
      client.sendMail({ from: `app@${domain}`, to: 'blocked-bridge@example.org', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550, response: expect.stringMatching(/5\.1\.1/) });

    await expect(
      client.sendMail({
        envelope: { from: `app@${domain}`, to: ['success@simulator.amazonses.com'] },
        raw: 'Subject: no sender\r\n\r\nbody\r\n',
      }),
    ).rejects.toMatchObject({ responseCode: 550, response: expect.stringMatching(/5\.6\.0/) });
  });

  it('holds a domain-limited key’s envelope sender to its domains too', async () => {
    const { key: admin, project } = await otherProjectKey();
    const { domain: allowed } = await verifiedDomain(admin);
    const { domain: other } = await verifiedDomain(admin);
    const limited = await addProjectKey(project, { scopes: ['sending_access'], domains: [allowed] });
    const client = transport({ password: limited });
    const message = {
      from: `app@${allowed}`,
      to: 'success@simulator.amazonses.com',
      subject: 'x',
      text: 'x',
    };
    expect((await client.sendMail(message)).response).toMatch(/^250 /);
    await expect(
      client.sendMail({
        ...message,
        envelope: { from: `app@${other}`, to: ['success@simulator.amazonses.com'] },
      }),
    ).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringMatching(/^550 5\.7\.1 This API key may only send from:/),
    });
  });

  it('accepts a resent message with the same Idempotency-Key once', async () => {
    const client = transport(acceptOnly);
    const message = {
      from: `app@${domain}`,
      to: 'success@simulator.amazonses.com',
      subject: 'Once only',
      text: 'x',
      headers: { 'Idempotency-Key': `smtp-${Date.now()}` },
      messageId: `<once-${Date.now()}@example.org>`,
      date: new Date('2026-11-22T10:00:00Z'),
    };
    const first = await client.sendMail(message);
    const again = await client.sendMail(message);
    expect(first.response).toMatch(accepted);
    expect(queuedId(again.response)).toBe(queuedId(first.response));
  });

  it('stops an open session from sending within the key cache’s lifetime of its key being revoked (535)', async () => {
    const created = await api('POST', '/api/v1/keys', {
      body: { name: 'revoked mid-session', scopes: ['sending_access'] },
    });
    expect(created.status).toBe(200);
    const pooled = nodemailer.createTransport({
      host: '127.0.0.1',
      port: ports.starttls,
      requireTLS: true,
      pool: true,
      maxConnections: 1,
      auth: { user: 'anything', pass: created.body.key as string },
      tls: { ca: certificate.cert, servername: 'localhost' },
    });
    const message = {
      from: `app@${domain}`,
      to: 'success@simulator.amazonses.com',
      subject: 'Pooled',
      text: 'x',
    };
    try {
      expect((await pooled.sendMail(message)).response).toMatch(/^250 /);
      expect((await api('DELETE', `/api/v1/keys/${created.body.id}`)).status).toBe(200);
      const revokedAt = Date.now();
      const refused = await eventually(
        () =>
          pooled.sendMail(message).then(
            () => undefined,
            (error: { responseCode?: number; response?: string }) => error,
          ),
        (error) => error !== undefined,
        8_000,
      );
      expect(refused).toMatchObject({ responseCode: 535, response: expect.stringMatching(/^535 5\.7\.8/) });
      // This process trusts a key 1 s (short-key-cache.ts); the rest is the client sending again.
      expect(Date.now() - revokedAt).toBeLessThan(3_000);
    } finally {
      pooled.close();
    }
  });

  it('locks out one client after its failed logins while another, from the same relay, logs in and sends', async () => {
    const from = (password: string, localAddress: string) => transport({ password, localAddress });
    const message = { from: `app@${domain}`, to: 'success@simulator.amazonses.com', subject: 'x', text: 'x' };
    // Well-formed keys nobody holds: each is looked up, and each failure counts.
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        from(`ak_live_${String(i).padStart(64, '0')}`, '127.0.0.12')
          .sendMail(message)
          .then(
            () => 250,
            (error: { responseCode?: number }) => error.responseCode ?? 0,
          ),
      ),
    );
    expect(outcomes.filter((code) => code === 535).length).toBeLessThanOrEqual(10);
    expect(outcomes.filter((code) => code === 421).length).toBeGreaterThanOrEqual(2);
    await expect(from(key, '127.0.0.12').sendMail(message)).rejects.toMatchObject({ responseCode: 421 });
    expect((await from(key, '127.0.0.13').sendMail(message)).response).toMatch(accepted);
  });

  it('accepts 50 concurrent connections sending 20 messages each, every one exactly once', async () => {
    const { key: admin, project } = await otherProjectKey();
    const keys = await Promise.all(
      Array.from({ length: 50 }, () => addProjectKey(project, { mode: 'test' })),
    );
    const ids = await Promise.all(
      keys.map(async (password, connection) => {
        const client = transport({ password });
        const sent: string[] = [];
        for (let n = 0; n < 20; n += 1) {
          const info = await client.sendMail({
            from: 'load@anything.example',
            to: 'success@simulator.amazonses.com',
            subject: `Load ${connection}-${n}`,
            text: 'x',
          });
          sent.push(queuedId(info.response));
        }
        client.close();
        return sent;
      }),
    );
    expect(new Set(ids.flat()).size).toBe(1000);
    const listed = await api('GET', '/api/v1/emails?limit=1&status=test', { key: admin });
    expect(listed.body.total).toBe(1000);
  }, 120_000);
});
