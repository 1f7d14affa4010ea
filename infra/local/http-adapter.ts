import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { largeEmailAdvice, restBodyLimitBytes } from '#shared/http/body-limits.ts';
import type { Route } from '../../functions/routes.ts';
import { routeFunctionId } from '../function-catalogue.ts';
import { isLocalHost, keepIdleConnections, readBody, sendJson } from './http-util.ts';

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
  /** API Gateway prefers static segments, then `{param}`, then `{proxy+}`. */
  specificity: number;
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  let specificity = 0;
  const source = route.path
    .split('/')
    .map((segment) => {
      const greedy = /^\{(\w+)\+\}$/.exec(segment);
      if (greedy?.[1]) {
        names.push(greedy[1]);
        return '(.+)';
      }
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param?.[1]) {
        names.push(param[1]);
        specificity += 1;
        return '([^/]+)';
      }
      specificity += 2;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names, specificity };
}

const textTypes = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+json)/i;

/**
 * The name the API was reached at, as API Gateway states it (its own domain, never what
 * the client wrote): the `Host` when it names this machine at this server's port,
 * otherwise `localhost` at that port. Links and the MCP route's own calls are built from
 * it, so a forged `Host` cannot send them (or the caller's key) elsewhere.
 */
function domainNameOf(request: IncomingMessage): string {
  const own = `localhost:${request.socket.localPort}`;
  const host = request.headers.host;
  return host && isLocalHost(host) && host.endsWith(`:${request.socket.localPort}`) ? host : own;
}

function toEvent(
  request: IncomingMessage,
  url: URL,
  matched: CompiledRoute,
  params: Record<string, string>,
  body: Buffer,
  requestId: string,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  // API Gateway states how the client connected; locally that is plain HTTP.
  headers['x-forwarded-proto'] = 'http';
  const isText = textTypes.test(headers['content-type'] ?? 'application/json');
  const method = request.method ?? 'GET';
  const routeKey = `${matched.route.method} ${matched.route.path}`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    pathParameters: Object.keys(params).length > 0 ? params : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: domainNameOf(request),
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length > 0 ? body.toString(isText ? 'utf8' : 'base64') : undefined,
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** A path segment decoded, or as it came when its percent-encoding is broken (the function judges it). */
function decodedOrAsSent(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Writes a handler's answer the way API Gateway does for payload format 2.0. */
function writeResult(response: ServerResponse, result: unknown) {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    sendJson(response, 200, result ?? null);
    return;
  }
  const structured = result as APIGatewayProxyStructuredResultV2;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  response.writeHead(structured.statusCode ?? 200, headers);
  const body = structured.body ?? '';
  response.end(structured.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/** Handles a request outside the route table (the mail viewer); returns true when it did. */
export type ExtraHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => boolean;

/**
 * A local API Gateway (HTTP API, payload 2.0): matches the route table, builds an
 * `APIGatewayProxyEventV2`, invokes the route's handler, and writes its result.
 */
export function createApiServer(
  routes: readonly Route[],
  invoke: (functionId: string, event: unknown, requestId: string) => Promise<unknown>,
  extra?: ExtraHandler,
): Server {
  const compiled = routes.map(compile).sort((a, b) => b.specificity - a.specificity);
  const server = keepIdleConnections(
    createServer(async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      // Every answer carries its request id, the ones made here before any function runs too.
      const requestId = randomUUID();
      const withId = { 'x-request-id': requestId };
      try {
        if (extra?.(request, response, url)) return;
        const method = request.method ?? 'GET';
        let matched: CompiledRoute | undefined;
        let values: RegExpExecArray | null = null;
        for (const candidate of compiled) {
          if (candidate.route.method !== method && candidate.route.method !== 'ANY') continue;
          values = candidate.pattern.exec(url.pathname);
          if (values) {
            matched = candidate;
            break;
          }
        }
        if (!matched || !values) {
          sendJson(response, 404, { error: 'Not found.', code: 'not_found' }, withId);
          return;
        }
        // API Gateway refuses these before any function runs (with its own body on AWS).
        const body = await readBody(request, restBodyLimitBytes);
        if (body === 'too_large') {
          sendJson(
            response,
            413,
            { error: `Request body exceeds 10 MB. ${largeEmailAdvice}`, code: 'payload_too_large' },
            withId,
          );
          return;
        }
        const params: Record<string, string> = {};
        matched.names.forEach((name, index) => {
          params[name] = decodedOrAsSent(values?.[index + 1] ?? '');
        });
        const event = toEvent(request, url, matched, params, body, requestId);
        writeResult(response, await invoke(routeFunctionId(matched.route), event, requestId));
      } catch (error) {
        // What API Gateway answers when the integration fails.
        console.error('local API: handler failed', error);
        if (!response.headersSent)
          sendJson(response, 500, { error: 'Internal error.', code: 'internal_error' }, withId);
        else response.end();
      }
    }),
  );
  server.on('clientError', answerClientError);
  return server;
}

/**
 * A request Node's parser refused before any handler saw it (header fields over 16 KB,
 * malformed HTTP): answered in JSON with a request id like every other answer, with the
 * status Node itself would give.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex) {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request header fields are over 16 KB.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request took too long to arrive.']
        : [400, 'Bad Request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: message, code: 'bad_request' });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\nx-request-id: ${randomUUID()}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
