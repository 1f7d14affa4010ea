/**
 * The SMTP bridge in this process on 127.0.0.1 port 0, driven by real clients (nodemailer
 * and raw sockets), for the rules it decides before any key is looked up: what it offers
 * before and after STARTTLS, the order of AUTH and MAIL FROM, size, and the failed-login
 * allowance. No store is configured here, so a password not shaped like a key is the
 * wrong password; the rules that need a stored key run against DynamoDB Local in
 * test/integration/smtp-bridge.test.ts.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayBufferBudget } from '#functions/smtp/message-buffer.ts';
import { createSmtpBridge, type SmtpBridge } from '#functions/smtp/smtp-bridge.ts';
import { maxMessageBytes } from '#shared/emails/attachments.ts';
import { localSmtpCertificate } from '../../infra/local/smtp-certificate.ts';

let certificate: { key: string; cert: string };
let bridge: SmtpBridge;
let ports: { starttls: number; implicitTls: number };

beforeAll(async () => {
  certificate = await localSmtpCertificate();
  bridge = createSmtpBridge({
    ...certificate,
    hostname: 'localhost',
    proxyProtocol: false,
    bufferBudgetBytes: relayBufferBudget(512, maxMessageBytes),
  });
  ports = await bridge.listen({ starttls: 0, implicitTls: 0 });
});

afterAll(() => bridge.close());

/** Replies as they arrive on `socket`, one complete (possibly multi-line) reply per call. */
function replies(socket: Socket | TLSSocket) {
  let buffer = '';
  const waiting: ((reply: string) => void)[] = [];
  const flush = () => {
    const resolve = waiting[0];
    if (!resolve || !/(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(buffer)) return;
    waiting.shift();
    const reply = buffer;
    buffer = '';
    resolve(reply);
  };
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    flush();
  });
  return () =>
    new Promise<string>((resolve) => {
      waiting.push(resolve);
      flush();
    });
}

/** A raw conversation over plain TCP (before STARTTLS): the greeting, then one reply per line sent. */
async function converse(lines: string[]): Promise<string[]> {
  const socket = connect(ports.starttls, '127.0.0.1');
  await once(socket, 'connect');
  const next = replies(socket);
  const answers = [await next()];
  for (const line of lines) {
    socket.write(`${line}\r\n`);
    answers.push(await next());
  }
  socket.destroy();
  return answers;
}

/** A nodemailer client on the submission port (STARTTLS required), connecting from `localAddress`. */
function client(password: string, localAddress = '127.0.0.1') {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: ports.starttls,
    requireTLS: true,
    localAddress,
    auth: { user: 'anything', pass: password },
    tls: { ca: certificate.cert, servername: 'localhost' },
  });
}

/** Polls `read` until `done` accepts its value (the server counts a connection closed when it sees it close). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const message = { from: 'app@example.com', to: 'someone@example.org', subject: 'x', text: 'x' };
const responseCode = (sending: Promise<unknown>) =>
  sending.then(
    () => 250,
    (error: { responseCode?: number }) => error.responseCode ?? 0,
  );

describe('the SMTP bridge, before any key is looked up', () => {
  it('refuses a wrong password with 535 5.7.8 after STARTTLS', async () => {
    await expect(client('not-a-key').sendMail(message)).rejects.toMatchObject({
      responseCode: 535,
      response: expect.stringMatching(/^535 5\.7\.8/),
    });
  });

  it('neither offers nor takes AUTH before STARTTLS, and answers MAIL FROM before AUTH with 530 5.7.0', async () => {
    const replies = await converse([
      'EHLO test.example',
      'AUTH PLAIN AGFiYwBkZWY=',
      'MAIL FROM:<a@example.com>',
    ]);
    expect(replies[1]).toContain('STARTTLS');
    // Credentials never cross the wire in clear.
    expect(replies[1]).not.toMatch(/AUTH/);
    expect(replies[2]).toMatch(/^5\d\d /);
    expect(replies[3]).toMatch(/^530 5\.7\.0/);
  });

  it('offers 8BITMIME but not SMTPUTF8, since SES delivers no internationalised local parts', async () => {
    const replies = await converse(['EHLO test.example']);
    expect(replies[1]).toContain('8BITMIME');
    expect(replies[1]).not.toContain('SMTPUTF8');
  });

  it('advertises SIZE 41943040 (40 MB, as SES takes) and refuses a larger declared SIZE with 552', async () => {
    const replies = await converse([
      'EHLO test.example',
      `MAIL FROM:<a@example.com> SIZE=${50 * 1024 * 1024}`,
    ]);
    expect(replies[1]).toMatch(/SIZE 41943040/);
    expect(replies[2]).toMatch(/^552 /);
  });

  it('checks at most ten keys of one client at once across its connections, then answers 421 even to a right key', async () => {
    // A client address of its own (all of 127/8 is this machine), so no other test is locked out.
    const from = '127.0.0.2';
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => responseCode(client(`wrong-${i}`, from).sendMail(message))),
    );
    expect(outcomes.filter((code) => code === 535).length).toBeLessThanOrEqual(10);
    expect(outcomes.filter((code) => code === 421).length).toBeGreaterThanOrEqual(10);
    expect(outcomes.every((code) => code === 535 || code === 421)).toBe(true);
    // The lockout is decided before any lookup: a key of the right shape waits it out too.
    expect(await responseCode(client(`ak_live_${'a'.repeat(64)}`, from).sendMail(message))).toBe(421);
    // Another client is not held back: its key is still checked (and, being wrong, refused).
    expect(await responseCode(client('not-a-key', '127.0.0.6').sendMail(message))).toBe(535);
  });

  it('allows three failed logins on one connection, then answers 421 on it without checking a fourth', async () => {
    // From an address of its own, so only this connection's failures count against it.
    const tcp = connect({ port: ports.implicitTls, host: '127.0.0.1', localAddress: '127.0.0.7' });
    const socket = connectTls({ socket: tcp, ca: certificate.cert, servername: 'localhost' });
    const next = replies(socket);
    await next();
    socket.write('EHLO test.example\r\n');
    expect(await next()).toContain('AUTH PLAIN LOGIN');
    const answers = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      socket.write(`AUTH PLAIN ${Buffer.from(`\0anything\0wrong-${attempt}`).toString('base64')}\r\n`);
      answers.push(await next());
    }
    socket.destroy();
    expect(answers.slice(0, 3).every((answer) => answer.startsWith('535 5.7.8'))).toBe(true);
    expect(answers[3]).toMatch(/^421 4\.7\.0 Too many failed logins on this connection/);
  });

  it('caps the connections one client holds open at 100, not another’s, and lets it back in as it closes them', async () => {
    const open = async (localAddress: string) => {
      const socket = connect({ port: ports.starttls, host: '127.0.0.1', localAddress });
      const next = replies(socket);
      return { socket, greeting: await next() };
    };
    const held = await Promise.all(Array.from({ length: 100 }, () => open('127.0.0.3')));
    const over = await open('127.0.0.3');
    const other = await open('127.0.0.4');
    expect(held.every(({ greeting }) => greeting.startsWith('220 '))).toBe(true);
    expect(over.greeting).toMatch(/^421 4\.7\.0 Too many connections from your address/);
    expect(other.greeting).toMatch(/^220 /);
    for (const { socket } of [over, other, ...held]) socket.destroy();
    const again = await eventually(
      async () => {
        const { socket, greeting } = await open('127.0.0.3');
        socket.destroy();
        return greeting;
      },
      (greeting) => greeting.startsWith('220 '),
    );
    expect(again).toMatch(/^220 /);
  });
});
