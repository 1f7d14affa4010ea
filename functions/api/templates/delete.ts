import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { removeTemplate } from '#shared/templates/template-service.ts';

/** `DELETE /api/v1/templates/:id`. */
export const handler = apiHandler(
  { route: routeOf('DELETE /api/v1/templates/{id}') },
  async ({ caller, params }) => {
    const template = await removeTemplate(caller, params.id ?? '');
    return { body: { id: template.id, deleted: true } };
  },
);
