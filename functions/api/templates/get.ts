import { apiHandler } from '#shared/http/api-handler.ts';
import { findTemplate } from '#shared/templates/template-service.ts';
import { templateView } from '#shared/templates/template-view.ts';

/** `GET /api/v1/templates/:id`. */
export const handler = apiHandler({ scope: 'templates.read' }, async ({ caller, params }) => ({
  body: templateView(await findTemplate(caller, params.id ?? '')),
}));
