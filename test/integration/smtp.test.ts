import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  addProjectKey,
  api,
  capturedMail,
  eventually,
  otherProjectKey,
  sesUrl,
  verifiedDomain,
} from './support.ts';

const smtp = inject('smtp');
let domain = '';
let key = '';

beforeAll(async () => {
  ({ domain } = await verifiedDomain());
  const { liveKey } = await import('./support.ts');
  key = liveKey;
});

function transport(options: { port: number; secure: boolean; password?: string }) {
  return nodemailer.createTransport({
    host: smtp.host,
    port: options.port,
    secure: options.secure,
    requireTLS: !options.secure,
    auth: { user: 'anything', pass: options.password ?? key },
    tls: { ca: smtp.certificate, servername: 'localhost' },
  });
}

const queuedId = (response: string) => /queued as (em_[0-9A-Z]+)/.exec(response)?.[1] ?? '';

/** A raw SMTP conversation over plain TCP (before STARTTLS): lines sent, replies read. */
async function converse(port: number, lines: string[]): Promise<string[]> {
  const socket = connect(port, smtp.host);
  const replies: string[] = [];
  let buffer = '';
  const waitReply = () =>
    new Promise<string>((resolve) => {
      const check = () => {
        const match = /(^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buffer);
        if (match) {
          const reply = buffer;
          buffer = '';
          resolve(reply);
        } else {
          socket.once('data', (chunk) => {
            buffer += chunk.toString();
            check();
          });
        }
      };
      check();
    });
  replies.push(await waitReply());
  for (const line of lines) {
    socket.write(`${line}\r\n`);
    replies.push(await waitReply());
  }
  socket.destroy();
  return replies;
}

describe('SMTP relay', () => {
  it('relays over STARTTLS on the submission port, keeping Reply-To, headers and attachments, and Bcc out of the headers', async () => {
    const info = await transport({ port: smtp.starttls, secure: false }).sendMail({
      from: `App <app@${domain}>`,
      to: 'success@simulator.amazonses.com',
      cc: 'success+cc@simulator.amazonses.com',
      bcc: 'success+bcc@simulator.amazonses.com',
      replyTo: 'support@example.org',
      subject: 'Over STARTTLS',
      text: 'Plain body',
      html: '<p>HTML body</p>',
      headers: { 'X-Custom': 'kept', 'X-Mailroom-Tags': 'kind=smtp, plan=pro' },
      attachments: [{ filename: 'notes.txt', content: 'attached text' }],
    });
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as em_/);
    const id = queuedId(info.response);
    const read = await eventually(
      () => api('GET', `/api/v1/emails/${id}`),
      (response) => response.body.email.status === 'delivered',
    );
    expect(read.body.email.tags).toEqual({ kind: 'smtp', plan: 'pro' });
    const captured = (await capturedMail()).find((mail) => mail.tags.mailroom_email_id === id);
    expect(captured?.destination).toEqual(
      expect.arrayContaining([
        'success@simulator.amazonses.com',
        'success+cc@simulator.amazonses.com',
        'success+bcc@simulator.amazonses.com',
      ]),
    );
    const raw = await (await fetch(`${sesUrl}/_local/mail/${captured?.messageId}/raw`)).text();
    expect(raw).not.toMatch(/^bcc:/im);
    const parsed = await simpleParser(raw);
    expect([parsed.replyTo].flat()[0]?.text).toBe('support@example.org');
    expect(parsed.headers.get('x-custom')).toBe('kept');
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([
      ['notes.txt', 'attached text'],
    ]);
  });

  it('records a message exactly as the same email sent over REST, emoji included, and delivers none of its instructions to Mailroom', async () => {
    const fields = {
      to: ['success@simulator.amazonses.com'],
      cc: ['success+cc@simulator.amazonses.com'],
      bcc: ['success+bcc@simulator.amazonses.com'],
      subject: `Launch 🚀 ${Date.now()}`,
      text: 'Lift-off 🚀',
    };
    const rest = await api('POST', '/api/v1/emails', {
      body: { ...fields, from: `Zoë 🚀 <app@${domain}>`, reply_to: ['help@example.org'] },
    });
    expect(rest.status).toBe(200);
    const info = await transport({ port: smtp.starttls, secure: false }).sendMail({
      ...fields,
      from: { name: 'Zoë 🚀', address: `app@${domain}` },
      replyTo: 'help@example.org',
      headers: { 'X-Mailroom-Tags': 'kind=launch', 'Idempotency-Key': `launch-${Date.now()}` },
    });
    const delivered = (id: string) =>
      eventually(
        () => api('GET', `/api/v1/emails/${id}`),
        (response) => response.body?.email?.status === 'delivered',
      );
    const [byRest, bySmtp] = await Promise.all([delivered(rest.body.id), delivered(queuedId(info.response))]);
    const recorded = (email: Record<string, unknown>) => ({
      from: email.from,
      to: email.to,
      cc: email.cc,
      bcc: email.bcc,
      reply_to: email.reply_to,
      subject: email.subject,
    });
    expect(recorded(bySmtp.body.email)).toEqual(recorded(byRest.body.email));
    expect(bySmtp.body.email).toMatchObject({ subject: fields.subject, from: `Zoë 🚀 <app@${domain}>` });

    const raw = await (await fetch(`${sesUrl}/_local/mail/${bySmtp.body.email.messageId}/raw`)).text();
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(fields.subject);
    expect(parsed.text?.trim()).toBe('Lift-off 🚀');
    expect(parsed.headers.has('x-mailroom-tags')).toBe(false);
    expect(parsed.headers.has('idempotency-key')).toBe(false);
  });

  it('accepts and delivers a message of nearly 40 MB, as SES allows', async () => {
    const attachment = Buffer.alloc(29 * 1024 * 1024);
    for (let i = 0; i < attachment.length; i += 4) attachment.writeUInt32LE((i * 2654435761) >>> 0, i);
    const info = await transport({ port: smtp.starttls, secure: false }).sendMail({
      from: `app@${domain}`,
      to: 'success@simulator.amazonses.com',
      subject: `Big ${Date.now()}`,
      text: 'A large attachment follows.',
      attachments: [{ filename: 'large.bin', content: attachment }],
    });
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as em_/);
    const read = await eventually(
      () => api('GET', `/api/v1/emails/${queuedId(info.response)}`),
      (response) => response.body.email.status === 'delivered',
      60_000,
    );
    const raw = await fetch(`${sesUrl}/_local/mail/${read.body.email.messageId}/raw`);
    const size = (await raw.arrayBuffer()).byteLength;
    expect(size).toBeGreaterThan(39 * 1024 * 1024);
    expect(size).toBeLessThanOrEqual(40 * 1024 * 1024);
  }, 120_000);

  it('holds X-Mailroom-Tags to the REST rules: no reserved names, at most 50', async () => {
    const client = transport({ port: smtp.starttls, secure: false });
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

  it('refuses a message with two From fields or two authors, and delivers no SES instruction', async () => {
    const client = transport({ port: smtp.starttls, secure: false });
    const raw = (from: string, extra = '') =>
      `From: ${from}\r\n${extra}To: success@simulator.amazonses.com\r\nSubject: Authors ${Date.now()}\r\n\r\nx\r\n`;
    const envelope = { from: `app@${domain}`, to: ['success@simulator.amazonses.com'] };
    for (const message of [
      raw(`app@${domain}, ceo@victim.example`),
      raw(`app@${domain}`, 'From: ceo@victim.example\r\n'),
    ]) {
      await expect(client.sendMail({ envelope, raw: message })).rejects.toMatchObject({ responseCode: 550 });
    }
    const info = await client.sendMail({
      envelope: {
        from: `app@${domain}`,
        to: ['success@simulator.amazonses.com', 'success+hidden@simulator.amazonses.com'],
      },
      raw: raw(
        `app@${domain}`,
        'X-SES-CONFIGURATION-SET: elsewhere\r\nX-SES-MESSAGE-TAGS: mailroom_email_id=em_x\r\nBcc : success+hidden@simulator.amazonses.com\r\n' +
          'DKIM-Signature: v=1; d=victim.example; b=forged\r\nReceived: from forged.example\r\nResent-From: ceo@victim.example\r\n',
      ),
    });
    const read = await eventually(
      () => api('GET', `/api/v1/emails/${queuedId(info.response)}`),
      (response) => response.body.email.status === 'delivered',
    );
    const delivered = await (await fetch(`${sesUrl}/_local/mail/${read.body.email.messageId}/raw`)).text();
    expect(delivered).not.toMatch(/^x-ses-/im);
    expect(delivered).not.toMatch(/^(dkim-signature|received|resent-from):/im);
    expect(delivered).not.toMatch(/^bcc\s*:/im);
    expect(delivered).not.toContain('success+hidden@');
  });

  it('stops an open session from sending within 5 seconds of its key being revoked', async () => {
    const created = await api('POST', '/api/v1/keys', {
      body: { name: 'revoked mid-session', scopes: ['sending_access'] },
    });
    expect(created.status).toBe(200);
    const own = created.body.key as string;
    const pooled = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.starttls,
      requireTLS: true,
      pool: true,
      maxConnections: 1,
      auth: { user: 'anything', pass: own },
      tls: { ca: smtp.certificate, servername: 'localhost' },
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
            (error: { responseCode?: number }) => error,
          ),
        (error) => error !== undefined,
        8_000,
      );
      expect(refused?.responseCode).toBe(535);
      // The key cache holds a key 5 s; the rest is the client sending again.
      expect(Date.now() - revokedAt).toBeLessThan(7_000);
    } finally {
      pooled.close();
    }
  });

  it('caps the connections one client holds open, not those of the load balancer', async () => {
    // From an address of its own (all of 127/8 is this machine), so no other test is capped.
    const open = (localAddress: string) =>
      new Promise<{ socket: ReturnType<typeof connect>; greeting: string }>((resolve, reject) => {
        const socket = connect({ port: smtp.starttls, host: smtp.host, localAddress });
        socket.once('data', (chunk) => resolve({ socket, greeting: chunk.toString() }));
        socket.once('error', reject);
      });
    const held = [];
    for (let i = 0; i < 100; i += 1) held.push(await open('127.0.0.3'));
    expect(held.every(({ greeting }) => greeting.startsWith('220 '))).toBe(true);
    const over = await open('127.0.0.3');
    expect(over.greeting).toMatch(/^421 4\.7\.0/);
    over.socket.destroy();
    // Another address is not held back by this one.
    const other = await open('127.0.0.4');
    expect(other.greeting).toMatch(/^220 /);
    other.socket.destroy();
    for (const { socket } of held) socket.destroy();
    await eventually(
      async () => {
        const again = await open('127.0.0.3');
        again.socket.destroy();
        return again.greeting;
      },
      (greeting) => greeting.startsWith('220 '),
    );
  });

  it('counts failed logins across all of a client’s connections, and locks out that client only', async () => {
    // Every connection reaches the relay from the load balancer's stand-in (127.0.0.1), as on
    // AWS all reach it from the load balancer: only its PROXY header tells the clients apart.
    const from = (password: string, localAddress = '127.0.0.2') =>
      nodemailer.createTransport({
        host: smtp.host,
        port: smtp.starttls,
        requireTLS: true,
        localAddress,
        auth: { user: 'anything', pass: password },
        tls: { ca: smtp.certificate, servername: 'localhost' },
      });
    const message = { from: `app@${domain}`, to: 'success@simulator.amazonses.com', subject: 'x', text: 'x' };
    // Twenty connections at once, each with a wrong key: at most ten keys are ever checked.
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        from(`ak_live_${String(i).padStart(64, '0')}`)
          .sendMail(message)
          .then(
            () => 250,
            (error: { responseCode?: number }) => error.responseCode ?? 0,
          ),
      ),
    );
    expect(outcomes.filter((code) => code === 535).length).toBeLessThanOrEqual(10);
    expect(outcomes.filter((code) => code === 421).length).toBeGreaterThanOrEqual(10);
    // Even the right key waits out the client's lockout.
    await expect(from(key).sendMail(message)).rejects.toMatchObject({ responseCode: 421 });
    // Another client, through the same load balancer, is not held back: it logs in and sends.
    expect((await from(key, '127.0.0.5').sendMail(message)).response).toMatch(
      /^250 2\.0\.0 Ok: queued as em_/,
    );
  });

  it('holds a domain-limited key’s envelope sender to its domains too', async () => {
    const { key: admin, project } = await otherProjectKey();
    const { domain: allowed } = await verifiedDomain(admin);
    const { domain: other } = await verifiedDomain(admin);
    const limited = await addProjectKey(project, { scopes: ['sending_access'], domains: [allowed] });
    const client = transport({ port: smtp.starttls, secure: false, password: limited });
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
    ).rejects.toMatchObject({ responseCode: 550 });
  });

  it('accepts a resent message with the same Idempotency-Key once', async () => {
    const client = transport({ port: smtp.starttls, secure: false });
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
    expect(queuedId(again.response)).toBe(queuedId(first.response));
  });

  it('relays over implicit TLS', async () => {
    const info = await transport({ port: smtp.implicitTls, secure: true }).sendMail({
      from: `app@${domain}`,
      to: 'success@simulator.amazonses.com',
      subject: 'Over TLS',
      text: 'x',
    });
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as em_/);
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
with smtplib.SMTP("localhost", int(sys.argv[1])) as server:
    server.ehlo()
    server.starttls(context=context)
    server.login("python", sys.argv[2])
    server.send_message(message)
print("sent")`;
    const { stdout } = await promisify(execFile)('python3', [
      '-c',
      script,
      String(smtp.starttls),
      key,
      domain,
      smtp.certificate,
    ]);
    expect(stdout.trim()).toBe('sent');
  });

  it('refuses a wrong password (535), MAIL FROM before AUTH (530), and AUTH before STARTTLS', async () => {
    await expect(
      transport({ port: smtp.starttls, secure: false, password: `ak_live_${'0'.repeat(64)}` }).sendMail({
        from: `app@${domain}`,
        to: 'success@simulator.amazonses.com',
        subject: 'x',
        text: 'x',
      }),
    ).rejects.toMatchObject({ responseCode: 535 });

    const plain = await converse(smtp.starttls, [
      'EHLO test.example',
      'AUTH PLAIN AGFiYwBkZWY=',
      'MAIL FROM:<a@example.com>',
    ]);
    expect(plain[1]).toContain('STARTTLS');
    // Credentials never cross the wire in clear: AUTH is not offered, nor taken, before STARTTLS.
    expect(plain[1]).not.toMatch(/AUTH/);
    expect(plain[2]).toMatch(/^5\d\d /);
    expect(plain[3]).toMatch(/^530 5\.7\.0/);
  });

  it('offers no SMTPUTF8 and refuses non-ASCII local parts, which SES cannot deliver', async () => {
    const replies = await converse(smtp.starttls, ['EHLO test.example']);
    expect(replies[1]).toContain('8BITMIME');
    expect(replies[1]).not.toContain('SMTPUTF8');
    await expect(
      transport({ port: smtp.starttls, secure: false }).sendMail({
        envelope: { from: `app@${domain}`, to: ['jörg@example.com'] },
        from: `app@${domain}`,
        to: 'jörg@example.com',
        subject: 'x',
        text: 'x',
      }),
    ).rejects.toThrow();
    const rest = await api('POST', '/api/v1/emails', {
      body: { from: `app@${domain}`, to: 'jörg@example.com', subject: 'x', text: 'x' },
    });
    expect(rest.status).toBe(400);
    expect(rest.body).toMatchObject({ code: 'validation_error', field: 'to' });
    expect(rest.body.error).toMatch(/ASCII/);
  });

  it('refuses an oversize message by its declared SIZE', async () => {
    const replies = await converse(smtp.starttls, [
      'EHLO test.example',
      `MAIL FROM:<a@example.com> SIZE=${50 * 1024 * 1024}`,
    ]);
    expect(replies[1]).toMatch(/SIZE 41943040/);
    expect(replies[2]).toMatch(/^552 /);
  });

  it('takes at most 50 recipients; answers 452 4.5.3 for the 51st', async () => {
    const info = await transport({ port: smtp.starttls, secure: false }).sendMail({
      from: `app@${domain}`,
      to: Array.from({ length: 51 }, (_, i) => `success+r${i}@simulator.amazonses.com`),
      subject: 'Many',
      text: 'x',
    });
    expect(info.accepted).toHaveLength(50);
    expect(info.rejected).toHaveLength(1);
    expect(String(info.rejectedErrors?.[0]?.response)).toMatch(/^452 4\.5\.3/);
  });

  it("refuses a Sender header naming another tenant's domain with the policy answer, and keeps one of the key's own", async () => {
    const { key: otherKey } = await otherProjectKey();
    const { domain: theirs } = await verifiedDomain(otherKey);
    const client = transport({ port: smtp.starttls, secure: false });
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

    const info = await client.sendMail({
      ...message,
      sender: `ops@${domain}`,
      subject: `Sender ours ${Date.now()}`,
    });
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as em_/);
    const read = await eventually(
      () => api('GET', `/api/v1/emails/${queuedId(info.response)}`),
      (response) => response.body.email.status === 'delivered',
    );
    const delivered = await (await fetch(`${sesUrl}/_local/mail/${read.body.email.messageId}/raw`)).text();
    expect(delivered).toMatch(new RegExp(`^Sender: ops@${domain.replace(/\./g, '\\.')}`, 'im'));
  });

  it('answers 550 for an unverified From domain, an all-suppressed message and a message without From', async () => {
    const client = transport({ port: smtp.starttls, secure: false });
    await expect(
      client.sendMail({
        from: 'x@unverified.example.net',
        to: 'success@simulator.amazonses.com',
        subject: 'x',
        text: 'x',
      }),
    ).rejects.toMatchObject({ responseCode: 550, response: expect.stringMatching(/5\.7\.1/) });

    await api('POST', '/api/v1/suppressions', { body: { email: 'blocked@example.org' } });
    await expect(
      client.sendMail({ from: `app@${domain}`, to: 'blocked@example.org', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550, response: expect.stringMatching(/5\.1\.1/) });

    await expect(
      client.sendMail({
        envelope: { from: `app@${domain}`, to: ['success@simulator.amazonses.com'] },
        raw: 'Subject: no sender\r\n\r\nbody\r\n',
      }),
    ).rejects.toMatchObject({ responseCode: 550, response: expect.stringMatching(/5\.6\.0/) });
  });

  it('accepts 50 concurrent connections sending 20 messages each, every one exactly once', async () => {
    const { key: admin, project } = await otherProjectKey();
    expect(admin).toBeTruthy();
    const keys = await Promise.all(
      Array.from({ length: 50 }, () => addProjectKey(project, { mode: 'test' })),
    );
    const ids = await Promise.all(
      keys.map(async (password, connection) => {
        const client = nodemailer.createTransport({
          host: smtp.host,
          port: smtp.starttls,
          requireTLS: true,
          auth: { user: 'load', pass: password },
          tls: { ca: smtp.certificate, servername: 'localhost' },
        });
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

  it('tells any key how to connect (GET /api/v1/smtp)', async () => {
    const info = await api('GET', '/api/v1/smtp');
    expect(info.body).toMatchObject({
      enabled: true,
      host: 'localhost',
      // Sendry's single integer `port`, beside both ports by name.
      port: smtp.starttls,
      ports: { starttls: smtp.starttls, implicit_tls: smtp.implicitTls },
      auth: { methods: ['PLAIN', 'LOGIN'] },
    });
  });
});
