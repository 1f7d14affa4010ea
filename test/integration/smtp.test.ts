import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, capturedMail, eventually, sesUrl, verifiedDomain } from './support.ts';

const smtp = inject('smtp');
let domain = '';
let key = '';

beforeAll(async () => {
  ({ domain } = await verifiedDomain());
  const { liveKey } = await import('./support.ts');
  key = liveKey;
});

/**
 * Mail through the whole platform: the relay's task as deployed (its own environment and
 * policy, behind the load balancer's stand-in), the queue, the sender and SES. What the
 * relay answers on its own is proven on port 0 in test/unit/smtp-bridge.test.ts and
 * test/integration/smtp-bridge.test.ts.
 */
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

  it('delivers none of the SES instructions, forged trace fields or Bcc a client writes into its message', async () => {
    const client = transport({ port: smtp.starttls, secure: false });
    const raw = (from: string, extra = '') =>
      `From: ${from}\r\n${extra}To: success@simulator.amazonses.com\r\nSubject: Authors ${Date.now()}\r\n\r\nx\r\n`;
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

  it("keeps a Sender header of the key's own domain in the delivered message", async () => {
    const client = transport({ port: smtp.starttls, secure: false });
    const message = { from: `app@${domain}`, to: 'success@simulator.amazonses.com', text: 'x' };
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
