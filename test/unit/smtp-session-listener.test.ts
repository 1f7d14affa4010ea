import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { duplexPair } from 'node:stream';
import { connect as connectTls } from 'node:tls';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayBufferBudget } from '#functions/smtp/message-buffer.ts';
import { encodeProxyHeader, proxyV2Signature } from '#functions/smtp/proxy-protocol.ts';
import { acceptingProxyHeader } from '#functions/smtp/session-listener.ts';
import { createSmtpBridge, type SmtpBridge } from '#functions/smtp/smtp-bridge.ts';
import { maxMessageBytes } from '#shared/emails/attachments.ts';
import { localSmtpCertificate } from '../../infra/local/smtp-certificate.ts';

let certificate: { key: string; cert: string };
let behindProxy: SmtpBridge;
let direct: SmtpBridge;
let proxied: { starttls: number; implicitTls: number };
let unproxied: { starttls: number; implicitTls: number };

beforeAll(async () => {
  certificate = await localSmtpCertificate();
  const options = {
    ...certificate,
    hostname: 'localhost',
    bufferBudgetBytes: relayBufferBudget(512, maxMessageBytes),
  };
  behindProxy = createSmtpBridge({ ...options, proxyProtocol: true });
  direct = createSmtpBridge({ ...options, proxyProtocol: false });
  proxied = await behindProxy.listen({ starttls: 0, implicitTls: 0 });
  unproxied = await direct.listen({ starttls: 0, implicitTls: 0 });
});

afterAll(async () => {
  await Promise.all([behindProxy.close(), direct.close()]);
});

/** The header a load balancer writes for `client`, which it accepted on its port 587. */
const headerFor = (client: string) =>
  encodeProxyHeader(
    { address: client, port: 40_000 },
    { address: client.includes(':') ? '2001:db8::10' : '10.0.0.10', port: 587 },
  );

/** Replies as they arrive on a socket, one complete (possibly multi-line) reply at a time. */
function replies(socket: Socket | ReturnType<typeof connectTls>) {
  let buffer = '';
  const waiting: ((reply: string) => void)[] = [];
  const flush = () => {
    for (;;) {
      const match = /(^|\r\n)\d{3} [^\r\n]*\r\n/.exec(buffer);
      const resolve = waiting[0];
      if (!match || !resolve) return;
      const end = match.index + match[0].length;
      waiting.shift();
      resolve(buffer.slice(0, end));
      buffer = buffer.slice(end);
    }
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

/** A plain connection to `port` that first sends `prefix` (a header, perhaps with more). */
async function openWith(port: number, prefix: Buffer) {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(prefix);
  return { socket, next: replies(socket) };
}

/** Resolves with what the relay sent before it closed the connection. */
async function closedAfter(socket: Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  socket.on('error', () => undefined);
  await once(socket, 'close');
  return received;
}

/** A real SMTP client over implicit TLS whose connections carry the load balancer's header for `client`. */
function clientFrom(client: string, password: string) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: proxied.implicitTls,
    secure: true,
    auth: { user: 'anything', pass: password },
    tls: { ca: certificate.cert, servername: 'localhost' },
    getSocket: (_options, callback) => {
      const socket = connect(proxied.implicitTls, '127.0.0.1', () => {
        socket.write(headerFor(client));
        callback(null, { connection: socket });
      });
      socket.once('error', (error) => callback(error));
    },
  });
}

const message = { from: 'app@example.com', to: 'someone@example.org', subject: 'x', text: 'x' };
const responseCode = (promise: Promise<unknown>) =>
  promise.then(
    () => 250,
    (error: { responseCode?: number }) => error.responseCode ?? 0,
  );

describe('the relay behind a load balancer writing PROXY protocol v2', () => {
  it('locks out the client the header names after 10 failed logins, and only that client', async () => {
    // Prepare: every connection reaches the relay from 127.0.0.1, as all reach it from the load balancer on AWS.
    const attacker = '203.0.113.10';
    const neighbour = '203.0.113.11';

    // Act: ten wrong keys from one client.
    const failures = [];
    for (let i = 0; i < 10; i += 1)
      failures.push(await responseCode(clientFrom(attacker, 'wrong').sendMail(message)));

    // Assess: that client is refused before it can try another key; its neighbour's key is still checked.
    expect(failures).toEqual(Array(10).fill(535));
    expect(await responseCode(clientFrom(attacker, 'wrong').sendMail(message))).toBe(421);
    expect(await responseCode(clientFrom(neighbour, 'wrong').sendMail(message))).toBe(535);
  });

  it('caps the connections of the client the header names, not of the load balancer', async () => {
    const held = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const connection = await openWith(proxied.starttls, headerFor('198.51.100.20'));
        return { ...connection, greeting: await connection.next() };
      }),
    );
    const over = await openWith(proxied.starttls, headerFor('198.51.100.20'));
    const other = await openWith(proxied.starttls, headerFor('2001:db8::21'));

    expect(held.every(({ greeting }) => greeting.startsWith('220 '))).toBe(true);
    expect(await over.next()).toMatch(/^421 4\.7\.0 Too many connections/);
    expect(await other.next()).toMatch(/^220 /);
    for (const { socket } of [...held, over, other]) socket.destroy();
  });

  it('hands the session the bytes that arrive with the header, in order', async () => {
    const { socket, next } = await openWith(
      proxied.starttls,
      Buffer.concat([headerFor('198.51.100.30'), Buffer.from('EHLO client.example\r\n')]),
    );

    const reply = await next();
    socket.destroy();

    // smtp-server's answer to a client that speaks before the greeting: the EHLO reached the session, after the header.
    expect(reply).toMatch(/^421 localhost You talk too soon/);
  });

  it('reads a TLS handshake that arrives with the header, on the implicit TLS port', async () => {
    // The client's TLS runs over an in-memory pair, so its first flight goes out in one write with the header.
    const socket = connect(proxied.implicitTls, '127.0.0.1');
    await once(socket, 'connect');
    const [clientSide, wireSide] = duplexPair();
    let first = true;
    wireSide.on('data', (chunk: Buffer) => {
      socket.write(first ? Buffer.concat([headerFor('198.51.100.31'), chunk]) : chunk);
      first = false;
    });
    socket.on('data', (chunk: Buffer) => wireSide.write(chunk));
    const secure = connectTls({ socket: clientSide, ca: certificate.cert, servername: 'localhost' });
    const next = replies(secure);

    const greeting = await next();
    secure.write('EHLO client.example\r\n');
    const ehlo = await next();
    socket.destroy();

    expect(greeting).toMatch(/^220 /);
    expect(ehlo).toMatch(/^250-/);
    expect(ehlo).toContain('AUTH PLAIN LOGIN');
  });

  it('closes, without a word, a connection that does not start with a valid header', async () => {
    const cases = [
      Buffer.from('EHLO client.example\r\n'),
      Buffer.from('PROXY TCP4 203.0.113.9 10.0.0.10 40000 587\r\n'),
      Buffer.concat([headerFor('203.0.113.9').subarray(0, 12), Buffer.from([0x11])]),
    ];
    for (const prefix of cases) {
      const { socket } = await openWith(proxied.starttls, prefix);
      expect(await closedAfter(socket)).toBe('');
    }
    // A header cut off by the client's leaving is no connection either.
    const { socket } = await openWith(proxied.implicitTls, headerFor('203.0.113.9').subarray(0, 20));
    socket.end();
    expect(await closedAfter(socket)).toBe('');
  });
});

describe('the relay without a load balancer writing PROXY headers', () => {
  it('takes no client’s word for its address: a header is only bad SMTP', async () => {
    const socket = connect(unproxied.starttls, '127.0.0.1');
    const next = replies(socket);
    expect(await next()).toMatch(/^220 /);

    socket.write(Buffer.concat([headerFor('203.0.113.99'), Buffer.from('\r\n')]));

    expect(await next()).toMatch(/^5\d\d /);
    socket.destroy();
  });
});

describe('the health check port', () => {
  it('answers the load balancer with or without a PROXY header before the request', async () => {
    const health = createHttpServer((_request, response) => response.end('ok'));
    const listener = acceptingProxyHeader(health, 5_000);
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as AddressInfo;
    const request = Buffer.from('GET /health HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n');
    const local = Buffer.concat([proxyV2Signature, Buffer.from([0x20, 0x00, 0, 0])]);

    const answers = [];
    for (const prefix of [Buffer.alloc(0), local, headerFor('10.0.0.7')]) {
      const { socket } = await openWith(port, Buffer.concat([prefix, request]));
      answers.push(await closedAfter(socket));
    }
    listener.close();

    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
  });
});
