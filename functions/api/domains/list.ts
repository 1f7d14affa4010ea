import { routeOf } from '#functions/api/route-of.ts';
import { listDomains } from '#shared/domains/domain-service.ts';
import { domainView } from '#shared/domains/domain-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `GET /api/v1/domains`: the project's domains with their verification status. */
export const handler = apiHandler({ route: routeOf('GET /api/v1/domains') }, async ({ caller }) => ({
  body: { object: 'list', data: (await listDomains(caller)).map((domain) => domainView(domain)) },
}));
