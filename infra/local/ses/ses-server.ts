import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http-util.ts';
import { type LocalSes, SesError, type VerificationStatus } from './local-ses.ts';
import { handleViewer } from './viewer.ts';

/** The path's captured segments, `[1]` first. */
type Params = readonly string[];
type Operation = (params: Params, body: Record<string, unknown>, query: URLSearchParams) => unknown;

interface SesRoute {
  method: string;
  pattern: RegExp;
  run: Operation;
}

const name = '([^/]+)';

/** SES v2's REST paths (as the AWS SDK calls them) and the local-only control calls. */
function sesRoutes(ses: LocalSes): SesRoute[] {
  const route = (method: string, path: string, run: Operation): SesRoute => ({
    method,
    pattern: new RegExp(`^${path}$`),
    run,
  });
  return [
    route('POST', '/v2/email/identities', (_, body) => ses.createIdentity(body)),
    route('GET', '/v2/email/identities', (_, __, query) =>
      ses.listIdentities(Number(query.get('PageSize') ?? 100), query.get('NextToken') ?? undefined),
    ),
    route('POST', '/v2/email/list-identities', (_, body) =>
      ses.listIdentities(Number(body.PageSize ?? 100), body.NextToken as string | undefined),
    ),
    route('GET', `/v2/email/identities/${name}`, (p) => ses.getIdentity(p[1] ?? '')),
    route('DELETE', `/v2/email/identities/${name}`, (p) => ses.deleteIdentity(p[1] ?? '')),
    route('PUT', `/v2/email/identities/${name}/mail-from`, (p, body) => ses.putMailFrom(p[1] ?? '', body)),
    route('PUT', `/v2/email/identities/${name}/configuration-set`, (p, body) =>
      ses.putIdentityConfigurationSet(p[1] ?? '', body),
    ),
    route('POST', '/v2/email/configuration-sets', (_, body) => ses.createConfigurationSet(body)),
    route('POST', `/v2/email/configuration-sets/${name}/event-destinations`, (p, body) =>
      ses.createEventDestination(p[1] ?? '', body),
    ),
    route('POST', '/v2/email/outbound-emails', (_, body) => ses.sendEmail(body)),
    route('POST', '/v2/email/tenants', (_, body) => ses.createTenant(body)),
    route('POST', '/v2/email/tenants/get', (_, body) => ses.getTenant(body)),
    route('POST', '/v2/email/tenants/list', () => ses.listTenants()),
    route('POST', '/v2/email/tenants/delete', (_, body) => ses.deleteTenant(body)),
    route('POST', '/v2/email/tenants/resources', (_, body) => ses.associateTenantResource(body)),
    route('POST', '/v2/email/tenants/resources/delete', (_, body) => ses.disassociateTenantResource(body)),
    route('POST', '/v2/email/tenants/resources/list', (_, body) => ses.listTenantResources(body)),
    route('GET', '/v2/email/account', () => ses.getAccount()),
    // Local-only controls, for tests and for trying failure paths by hand.
    route('POST', `/_local/identities/${name}/status`, (p, body) =>
      ses.setIdentityStatus(p[1] ?? '', String(body.status) as VerificationStatus),
    ),
    route('PUT', '/_local/account/quota', (_, body) => ses.setQuota(body)),
  ];
}

function sendSesError(response: ServerResponse, error: SesError) {
  // The SDK reads the error name from this header (REST-JSON protocol) and throws that class.
  sendJson(response, error.status, { message: error.message }, { 'x-amzn-errortype': `${error.name}:` });
}

/** The local SES v2 endpoint (`AWS_ENDPOINT_URL_SESV2`), plus the mail viewer. */
export function sesRequestListener(ses: LocalSes) {
  const routes = sesRoutes(ses);
  return async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      if (handleViewer(ses, request, response, url)) return;
      const path = url.pathname.split('/').map(decodeURIComponent).join('/');
      for (const route of routes) {
        const match = route.method === request.method ? route.pattern.exec(path) : null;
        if (!match) continue;
        const raw = await readBody(request, 50 * 1024 * 1024);
        if (raw === 'too_large')
          throw new SesError('MessageRejected', 400, 'Message length is more than 40 MB.');
        const body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
        sendJson(response, 200, (await route.run([...match], body, url.searchParams)) ?? {});
        return;
      }
      throw new SesError('NotFoundException', 404, `Local SES does not implement ${request.method} ${path}.`);
    } catch (error) {
      if (error instanceof SesError) return sendSesError(response, error);
      console.error('local SES failed', error);
      sendSesError(response, new SesError('InternalFailure', 500, String(error)));
    }
  };
}
