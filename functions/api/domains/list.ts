import { listDomains } from '#shared/domains/domain-service.ts';
import { domainView } from '#shared/domains/domain-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `GET /api/v1/domains`: the project's domains with their verification status. */
export const handler = apiHandler({ scope: 'domains.read' }, async ({ caller }) => ({
  body: { object: 'list', data: (await listDomains(caller)).map((domain) => domainView(domain)) },
}));
