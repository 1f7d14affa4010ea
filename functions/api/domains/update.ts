import { routeOf } from '#functions/api/route-of.ts';
import { updateDomainSchema } from '#shared/domains/domain-schema.ts';
import { updateDomainTracking } from '#shared/domains/domain-service.ts';
import { domainView } from '#shared/domains/domain-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `PATCH /api/v1/domains/:idOrName {open_tracking?, click_tracking?}`: tracking of the domain's mail. */
export const handler = apiHandler(
  { route: routeOf('PATCH /api/v1/domains/{id}'), body: updateDomainSchema },
  async ({ caller, params, body }) => ({
    body: domainView(await updateDomainTracking(caller, params.id ?? '', body)),
  }),
);
