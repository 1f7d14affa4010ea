import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { findTemplate } from '#shared/templates/template-service.ts';
import { templateView } from '#shared/templates/template-view.ts';

/** `GET /api/v1/templates/:id`. */
export const handler = apiHandler(
  { route: routeOf('GET /api/v1/templates/{id}') },
  async ({ caller, params }) => ({
    body: templateView(await findTemplate(caller, params.id ?? '')),
  }),
);
