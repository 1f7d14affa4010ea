import { routeOf } from '#functions/api/route-of.ts';
import { listSchema } from '#shared/contacts/contact-schema.ts';
import { createList } from '#shared/contacts/contact-service.ts';
import { createdListView } from '#shared/contacts/contact-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `POST /api/v1/lists`: a new, empty contact list. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/lists'), body: listSchema },
  async ({ caller, body }) => ({ body: createdListView(await createList(caller.projectId, body.name)) }),
);
