import { apiHandler } from '#shared/http/api-handler.ts';
import { removeTemplate } from '#shared/templates/template-service.ts';

/** `DELETE /api/v1/templates/:id`. */
export const handler = apiHandler({ scope: 'templates.write' }, async ({ caller, params }) => {
  const template = await removeTemplate(caller, params.id ?? '');
  return { body: { id: template.id, deleted: true } };
});
