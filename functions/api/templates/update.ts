import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { updateTemplateSchema } from '#shared/templates/template-schema.ts';
import { updateTemplate } from '#shared/templates/template-service.ts';
import { templateView } from '#shared/templates/template-view.ts';

/** `PUT /api/v1/templates/:id`: change any of name, subject, html, text. */
export const handler = apiHandler(
  { route: routeOf('PUT /api/v1/templates/{id}'), body: updateTemplateSchema },
  async ({ caller, params, body }) => ({
    body: templateView(await updateTemplate(caller, params.id ?? '', body)),
  }),
);
