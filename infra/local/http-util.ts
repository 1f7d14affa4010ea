import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Reads a request body whole, refusing more than `limit` bytes. An oversize body is
 * still read to its end (and dropped), so the connection stays usable for the answer.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? 'too_large' : Buffer.concat(chunks);
}

/**
 * Whether a `Host` header names this machine (`localhost`, `127.0.0.1`, `[::1]`, any
 * port). A page on another name that resolves here (DNS rebinding) names its own host,
 * so what only this machine may see answers local names only.
 */
export function isLocalHost(host: string | undefined): boolean {
  return /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i.test(host ?? '');
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * Keeps idle keep-alive connections open for ten minutes instead of Node's 5 seconds, as
 * AWS endpoints do. With the short default, a client that reuses a connection just as
 * the server closes it (an SDK sending a 54 MB SES request five seconds after its last)
 * gets EPIPE mid-request: a failure AWS would not have caused.
 */
export function keepIdleConnections<T extends Server>(server: T): T {
  server.keepAliveTimeout = 600_000;
  server.headersTimeout = 601_000;
  return server;
}
