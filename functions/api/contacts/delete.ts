import { routeOf } from '#functions/api/route-of.ts';
import { removeContact } from '#shared/contacts/contact-service.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `DELETE /api/v1/contacts/:id`: remove the contact for good (set `unsubscribed` to keep it). */
export const handler = apiHandler(
  { route: routeOf('DELETE /api/v1/contacts/{id}') },
  async ({ caller, params }) => {
    await removeContact(caller.projectId, params.id ?? '');
    return { body: { success: true } };
  },
);
