import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { routeOf } from '#functions/api/route-of.ts';
import { mailroomMcpServer } from '#packages/mcp/src/server.ts';
import { Mailroom } from '#packages/sdk/src/index.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { presentedKey } from '#shared/http/middleware/authenticate.ts';
import { publicBaseUrl } from '#shared/http/public-url.ts';

/** Writes are asked for per connection, as the stdio server's `--allow-writes` is per start. */
const writesAsked = (event: {
  headers: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
}) =>
  event.headers['x-mailroom-allow-writes'] === 'true' || event.queryStringParameters?.allow_writes === 'true';

/**
 * `POST /mcp`: the MCP server over streamable HTTP, stateless (a fresh server per
 * request, JSON answers, no session), so it runs in a Lambda behind API Gateway. The
 * caller's key is the tools' key: they call this API through the SDK with it, and the
 * key's scopes decide which tools exist. Write tools exist only when the connection asks
 * for them (`X-Mailroom-Allow-Writes: true` or `?allow_writes=true`) and the key may
 * write. GET (the server-sent event stream) and DELETE (ending a session) have nothing
 * to serve here: 405.
 */
export const handler = apiHandler(
  { route: routeOf('ANY /mcp'), inactiveAccounts: true },
  async ({ event, caller }) => {
    const method = event.requestContext.http.method;
    if (method !== 'POST')
      return {
        status: 405,
        headers: { allow: 'POST' },
        body: { error: 'The MCP endpoint is stateless: POST JSON-RPC messages to it.', code: 'bad_request' },
      };
    const body = event.body
      ? event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body
      : '';
    const baseUrl = publicBaseUrl(event);
    const mailroom = new Mailroom(presentedKey(event) ?? '', {
      baseUrl,
      maxRetries: 0,
    });
    const server = mailroomMcpServer({
      mailroom,
      grant: caller,
      allowWrites: writesAsked(event),
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    try {
      await server.connect(transport);
      const response = await transport.handleRequest(
        new Request(`${baseUrl}/mcp`, {
          method,
          headers: new Headers(
            Object.entries(event.headers).filter(
              (entry): entry is [string, string] => entry[1] !== undefined,
            ),
          ),
          body,
        }),
      );
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return { status: response.status, headers, raw: await response.text() };
    } finally {
      await transport.close();
      await server.close();
    }
  },
);
