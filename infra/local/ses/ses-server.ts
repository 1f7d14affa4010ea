import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http-util.ts';
import { type LocalSes, SesError, type VerificationStatus } from './local-ses.ts';
import { handleViewer } from './viewer.ts';

/** The path's captured segments, `[1]` first. */
type Params = readonly string[];
type Operation = (params: Params, body: Record<string, unknown>, query: URLSearchParams) => unknown;

const name = '([^/]+)';

/**
 * SES v2's REST paths (as the AWS SDK calls them), by operation name, and the local-only
 * control calls (`Local*`, which no AWS principal may make).
 */
const sesPaths = {
  CreateEmailIdentity: ['POST', '/v2/email/identities'],
  ListEmailIdentities: ['GET', '/v2/email/identities'],
  ListEmailIdentitiesByPost: ['POST', '/v2/email/list-identities'],
  GetEmailIdentity: ['GET', `/v2/email/identities/${name}`],
  DeleteEmailIdentity: ['DELETE', `/v2/email/identities/${name}`],
  PutEmailIdentityMailFromAttributes: ['PUT', `/v2/email/identities/${name}/mail-from`],
  PutEmailIdentityConfigurationSetAttributes: ['PUT', `/v2/email/identities/${name}/configuration-set`],
  CreateConfigurationSet: ['POST', '/v2/email/configuration-sets'],
  CreateConfigurationSetEventDestination: ['POST', `/v2/email/configuration-sets/${name}/event-destinations`],
  SendEmail: ['POST', '/v2/email/outbound-emails'],
  CreateTenant: ['POST', '/v2/email/tenants'],
  GetTenant: ['POST', '/v2/email/tenants/get'],
  ListTenants: ['POST', '/v2/email/tenants/list'],
  DeleteTenant: ['POST', '/v2/email/tenants/delete'],
  CreateTenantResourceAssociation: ['POST', '/v2/email/tenants/resources'],
  DeleteTenantResourceAssociation: ['POST', '/v2/email/tenants/resources/delete'],
  ListTenantResources: ['POST', '/v2/email/tenants/resources/list'],
  GetAccount: ['GET', '/v2/email/account'],
  LocalSetIdentityStatus: ['POST', `/_local/identities/${name}/status`],
  LocalSetQuota: ['PUT', '/_local/account/quota'],
  LocalThrottles: ['GET', '/_local/account/throttles'],
} as const satisfies Record<string, readonly [string, string]>;

export type SesOperation = keyof typeof sesPaths;

const patterns = Object.entries(sesPaths).map(([operation, [method, path]]) => ({
  operation: operation as SesOperation,
  method,
  pattern: new RegExp(`^${path}$`),
}));

/** The SES operation a request calls, with the path's captured (decoded) segments. */
export function sesOperationOf(
  method: string,
  pathname: string,
): { operation: SesOperation; params: Params } | undefined {
  const path = pathname.split('/').map(decodeURIComponent).join('/');
  for (const candidate of patterns) {
    const match = candidate.method === method ? candidate.pattern.exec(path) : null;
    if (match) return { operation: candidate.operation, params: [...match] };
  }
  return undefined;
}

function sesOperations(ses: LocalSes): Record<SesOperation, Operation> {
  return {
    CreateEmailIdentity: (_, body) => ses.createIdentity(body),
    ListEmailIdentities: (_, __, query) =>
      ses.listIdentities(Number(query.get('PageSize') ?? 100), query.get('NextToken') ?? undefined),
    ListEmailIdentitiesByPost: (_, body) =>
      ses.listIdentities(Number(body.PageSize ?? 100), body.NextToken as string | undefined),
    GetEmailIdentity: (p) => ses.getIdentity(p[1] ?? ''),
    DeleteEmailIdentity: (p) => ses.deleteIdentity(p[1] ?? ''),
    PutEmailIdentityMailFromAttributes: (p, body) => ses.putMailFrom(p[1] ?? '', body),
    PutEmailIdentityConfigurationSetAttributes: (p, body) =>
      ses.putIdentityConfigurationSet(p[1] ?? '', body),
    CreateConfigurationSet: (_, body) => ses.createConfigurationSet(body),
    CreateConfigurationSetEventDestination: (p, body) => ses.createEventDestination(p[1] ?? '', body),
    SendEmail: (_, body) => ses.sendEmail(body),
    CreateTenant: (_, body) => ses.createTenant(body),
    GetTenant: (_, body) => ses.getTenant(body),
    ListTenants: () => ses.listTenants(),
    DeleteTenant: (_, body) => ses.deleteTenant(body),
    CreateTenantResourceAssociation: (_, body) => ses.associateTenantResource(body),
    DeleteTenantResourceAssociation: (_, body) => ses.disassociateTenantResource(body),
    ListTenantResources: (_, body) => ses.listTenantResources(body),
    GetAccount: () => ses.getAccount(),
    // Local-only controls, for tests and for trying failure paths by hand.
    LocalSetIdentityStatus: (p, body) =>
      ses.setIdentityStatus(p[1] ?? '', String(body.status) as VerificationStatus),
    LocalSetQuota: (_, body) => ses.setQuota(body),
    LocalThrottles: () => ({ throttled: ses.throttledCount }),
  };
}

function sendSesError(response: ServerResponse, error: SesError) {
  // The SDK reads the error name from this header (REST-JSON protocol) and throws that class.
  sendJson(response, error.status, { message: error.message }, { 'x-amzn-errortype': `${error.name}:` });
}

/** A transparent 1×1 GIF: what the open image answers. */
const pixel = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * SES's tracking endpoints, here on this server: `GET /_track/open/<messageId>` (the
 * image) and `GET /_track/click/<messageId>/<n>` (a 302 to the link). Each fetch publishes
 * the Open or Click event with the fetch's user agent and address, as SES does.
 */
function handleTracking(
  ses: LocalSes,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): boolean {
  const match = /^\/_track\/(open|click)\/([^/]+)(?:\/(\d+))?$/.exec(url.pathname);
  if (!match || request.method !== 'GET') return false;
  const [, kind, encoded = '', index] = match;
  let messageId = '';
  try {
    messageId = decodeURIComponent(encoded);
  } catch {
    // Not an id this server handed out: nothing is found under it.
  }
  const userAgent = request.headers['user-agent'] ?? '';
  const ip = request.socket.remoteAddress ?? '127.0.0.1';
  if (kind === 'open') {
    ses.open(messageId, userAgent, ip);
    response.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' });
    response.end(pixel);
    return true;
  }
  const target = ses.click(messageId, Number(index), userAgent, ip);
  if (!target) {
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('Unknown link');
    return true;
  }
  response.writeHead(302, { location: target });
  response.end();
  return true;
}

/** The local SES v2 endpoint (`AWS_ENDPOINT_URL_SESV2`), plus the mail viewer. */
export function sesRequestListener(ses: LocalSes) {
  const operations = sesOperations(ses);
  return async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      if (handleViewer(ses, request, response, url)) return;
      if (handleTracking(ses, request, response, url)) return;
      const called = sesOperationOf(request.method ?? 'GET', url.pathname);
      if (called) {
        // A 40 MB raw message is about 54 MB once base64 in its JSON request.
        const raw = await readBody(request, 64 * 1024 * 1024);
        if (raw === 'too_large')
          throw new SesError('MessageRejected', 400, 'Message length is more than 40 MB.');
        const body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
        sendJson(
          response,
          200,
          (await operations[called.operation](called.params, body, url.searchParams)) ?? {},
        );
        return;
      }
      // Not NotFoundException, which callers rightly read as a missing resource.
      throw new SesError(
        'NotImplemented',
        501,
        `The local SES does not implement ${request.method} ${url.pathname}; Mailroom does not call it.`,
      );
    } catch (error) {
      if (error instanceof SesError) return sendSesError(response, error);
      console.error('local SES failed', error);
      sendSesError(response, new SesError('InternalFailure', 500, String(error)));
    }
  };
}
