import { routeOf } from '#functions/api/route-of.ts';
import { describeDomain } from '#shared/domains/domain-service.ts';
import { domainView } from '#shared/domains/domain-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `GET /api/v1/domains/:idOrName`: the domain with the DNS records to publish. */
export const handler = apiHandler(
  { route: routeOf('GET /api/v1/domains/{id}') },
  async ({ caller, params }) => {
    const { domain, records } = await describeDomain(caller, params.id ?? '');
    return { body: domainView(domain, records) };
  },
);
