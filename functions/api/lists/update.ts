import { routeOf } from '#functions/api/route-of.ts';
import { listSchema } from '#shared/contacts/contact-schema.ts';
import { updateList } from '#shared/contacts/contact-service.ts';
import { listView } from '#shared/contacts/contact-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `PUT /api/v1/lists/:id`: rename a list. */
export const handler = apiHandler(
  { route: routeOf('PUT /api/v1/lists/{id}'), body: listSchema },
  async ({ caller, params, body }) => ({
    body: { success: true, data: listView(await updateList(caller.projectId, params.id ?? '', body.name)) },
  }),
);
