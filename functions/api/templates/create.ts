import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { createTemplateSchema } from '#shared/templates/template-schema.ts';
import { createTemplate } from '#shared/templates/template-service.ts';
import { templateView } from '#shared/templates/template-view.ts';

/** `POST /api/v1/templates`: save a template for `template_id` sends. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/templates'), body: createTemplateSchema },
  async ({ caller, body }) => ({
    body: templateView(await createTemplate(caller, body)),
  }),
);
