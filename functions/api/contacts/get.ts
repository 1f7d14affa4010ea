import { routeOf } from '#functions/api/route-of.ts';
import { findContact } from '#shared/contacts/contact-service.ts';
import { contactView } from '#shared/contacts/contact-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `GET /api/v1/contacts/:id`. */
export const handler = apiHandler(
  { route: routeOf('GET /api/v1/contacts/{id}') },
  async ({ caller, params }) => ({
    body: { success: true, data: contactView(await findContact(caller.projectId, params.id ?? '')) },
  }),
);
