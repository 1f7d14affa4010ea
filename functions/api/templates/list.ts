import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { listTemplates } from '#shared/templates/template-service.ts';
import { templateSummary } from '#shared/templates/template-view.ts';

/**
 * `GET /api/v1/templates`: the project's templates as
 * `{templates: [{id, name, subject, createdAt}]}`, the list shape docs/api.md publishes.
 */
export const handler = apiHandler({ route: routeOf('GET /api/v1/templates') }, async ({ caller }) => ({
  body: { templates: (await listTemplates(caller)).map(templateSummary) },
}));
