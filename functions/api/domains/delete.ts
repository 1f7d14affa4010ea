import { routeOf } from '#functions/api/route-of.ts';
import { deleteDomain } from '#shared/domains/domain-service.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `DELETE /api/v1/domains/:idOrName`: remove the domain and its SES identity. */
export const handler = apiHandler(
  { route: routeOf('DELETE /api/v1/domains/{id}') },
  async ({ caller, params }) => {
    const domain = await deleteDomain(caller, params.id ?? '');
    return { body: { id: domain.id, deleted: true } };
  },
);
