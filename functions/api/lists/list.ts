import { routeOf } from '#functions/api/route-of.ts';
import { listLists } from '#shared/contacts/contact-service.ts';
import { listSummary } from '#shared/contacts/contact-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `GET /api/v1/lists`: every list of the project with its live contact count. */
export const handler = apiHandler({ route: routeOf('GET /api/v1/lists') }, async ({ caller }) => ({
  body: { success: true, data: (await listLists(caller.projectId)).map(listSummary) },
}));
