import { routeOf } from '#functions/api/route-of.ts';
import { verifyDomain } from '#shared/domains/domain-service.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `POST /api/v1/domains/:idOrName/verify`: ask SES now. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/domains/{id}/verify') },
  async ({ caller, params }) => {
    const domain = await verifyDomain(caller, params.id ?? '');
    return { body: { status: domain.status, domain: domain.domain } };
  },
);
