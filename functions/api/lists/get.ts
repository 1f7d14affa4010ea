import { routeOf } from '#functions/api/route-of.ts';
import { findList } from '#shared/contacts/contact-service.ts';
import { listView } from '#shared/contacts/contact-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `GET /api/v1/lists/:id`: one list with its contacts counted by status. */
export const handler = apiHandler(
  { route: routeOf('GET /api/v1/lists/{id}') },
  async ({ caller, params }) => ({
    body: { success: true, data: listView(await findList(caller.projectId, params.id ?? '')) },
  }),
);
