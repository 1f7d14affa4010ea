import { routeOf } from '#functions/api/route-of.ts';
import { createDomainSchema } from '#shared/domains/domain-schema.ts';
import { createDomain } from '#shared/domains/domain-service.ts';
import { createdDomainView } from '#shared/domains/domain-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `POST /api/v1/domains`: add a sending domain; answers its DKIM tokens. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/domains'), body: createDomainSchema },
  async ({ caller, body }) => ({
    body: createdDomainView(await createDomain(caller, body.domain)),
  }),
);
