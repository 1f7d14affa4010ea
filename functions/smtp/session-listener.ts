import type { Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { SMTPServer } from 'smtp-server';
import { logger } from '#shared/logger.ts';
import { type ProxyHeader, parseProxyHeader, proxyV2Signature } from './proxy-protocol.ts';

export interface SessionListenerOptions {
  /**
   * Every connection starts with a PROXY protocol v2 header (the load balancer's), which
   * names the client; a connection without a valid one is closed. Set only where a proxy
   * that writes the header stands in front and clients cannot reach the relay around it:
   * anywhere else a client could claim any address.
   */
  proxyProtocol: boolean;
  /** How long a connection may take to send its header. */
  headerTimeoutMs: number;
  /** Connections waiting for their header at once; more are dropped, as smtp-server drops them. */
  maxPending: number;
}

/** A connection that did not start with a valid PROXY protocol header. */
export class ProxyHeaderError extends Error {}

/**
 * Reads the PROXY protocol v2 header at the start of a connection and leaves the socket at
 * the first byte after it (the client's own, put back for whoever reads next), or rejects
 * and destroys the socket when the header is invalid, late or cut off.
 */
export function readProxyHeader(socket: Socket, timeoutMs: number): Promise<ProxyHeader> {
  return readHeader(socket, timeoutMs, false) as Promise<ProxyHeader>;
}

/**
 * A listener for an HTTP server on a port where a load balancer may or may not start a
 * connection with a PROXY protocol v2 header (its health checks may carry one once the
 * target group writes them): a header is read and dropped, anything else reaches `server`
 * untouched.
 */
export function acceptingProxyHeader(server: HttpServer, timeoutMs: number): Server {
  return createServer((socket) => {
    readHeader(socket, timeoutMs, true).then(
      () => server.emit('connection', socket),
      () => undefined,
    );
  });
}

/** The header at the start of `socket`; with `optional`, undefined for a connection that does not start with one. */
function readHeader(socket: Socket, timeoutMs: number, optional: boolean): Promise<ProxyHeader | undefined> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const finish = (outcome: { header?: ProxyHeader; rest: Buffer } | { error: Error }) => {
      clearTimeout(timer);
      socket.off('readable', read);
      socket.off('end', cutOff);
      socket.off('close', cutOff);
      socket.off('error', failed);
      if ('error' in outcome) {
        // A late error from the closing socket must not go unhandled.
        socket.on('error', () => undefined);
        socket.destroy();
        return reject(outcome.error);
      }
      if (outcome.rest.length > 0) socket.unshift(outcome.rest);
      resolve(outcome.header);
    };
    const read = () => {
      for (let chunk: Buffer | null = socket.read(); chunk !== null; chunk = socket.read()) {
        received = Buffer.concat([received, chunk]);
        const parsed = parseProxyHeader(received);
        if (parsed.status === 'invalid' && optional && received[0] !== proxyV2Signature[0]) {
          return finish({ rest: received });
        }
        if (parsed.status === 'invalid') return finish({ error: new ProxyHeaderError(parsed.reason) });
        if (parsed.status === 'complete') {
          return finish({ header: parsed.header, rest: received.subarray(parsed.header.length) });
        }
      }
    };
    const cutOff = () =>
      finish({ error: new ProxyHeaderError('the connection ended before its PROXY header') });
    const failed = (error: Error) => finish({ error });
    const timer = setTimeout(
      () => finish({ error: new ProxyHeaderError(`no PROXY header within ${timeoutMs} ms`) }),
      timeoutMs,
    );
    socket.on('readable', read);
    socket.on('end', cutOff);
    socket.on('close', cutOff);
    socket.on('error', failed);
  });
}

export interface SessionListener {
  /** Listens on `port` (0: a free one) and resolves with the port taken. */
  listen(port: number, host: string): Promise<number>;
  /**
   * Stops taking connections and lets the open sessions finish: after `graceMs` those
   * still open are told 421 and closed. Resolves once every accepted connection is gone.
   */
  drain(graceMs: number): Promise<void>;
}

/**
 * The TCP listener of one relay port: it accepts connections and hands each to `smtp`
 * (which never listens itself) with the client's address: the PROXY header's when the
 * relay is configured to expect one, the socket's otherwise. So per-client rules (the
 * connection cap, the failed-login lockout) key on the client, not on the load balancer.
 */
export function createSessionListener(smtp: SMTPServer, options: SessionListenerOptions): SessionListener {
  const pending = new Set<Socket>();
  const server = createServer((socket) => {
    if (!options.proxyProtocol) return smtp.connect(socket);
    if (pending.size >= options.maxPending) {
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    pending.add(socket);
    readProxyHeader(socket, options.headerTimeoutMs).then(
      (header) => {
        pending.delete(socket);
        smtp.connect(
          socket,
          header.source ? { remoteAddress: header.source.address, remotePort: header.source.port } : {},
        );
      },
      (error: Error) => {
        pending.delete(socket);
        logger.info('SMTP connection refused: no valid PROXY header', {
          reason: error.message,
          peer: socket.remoteAddress,
        });
      },
    );
  });
  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          server.on('error', (error) => logger.warn('SMTP listener error', { error }));
          resolve((server.address() as AddressInfo).port);
        });
      }),
    drain: (graceMs) =>
      new Promise((resolve) => {
        const deadline = setTimeout(() => {
          for (const connection of smtp.connections) {
            connection.send(421, 'Server shutting down');
            connection.close();
          }
        }, graceMs);
        deadline.unref();
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        // Connections still waiting for their header have no session to finish.
        for (const socket of pending) socket.destroy();
      }),
  };
}
