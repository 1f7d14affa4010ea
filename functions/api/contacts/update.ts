import { routeOf } from '#functions/api/route-of.ts';
import { updateContactSchema } from '#shared/contacts/contact-schema.ts';
import { updateContact } from '#shared/contacts/contact-service.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `PUT /api/v1/contacts/:id`: any subset of name, email, status, company, listId. */
export const handler = apiHandler(
  { route: routeOf('PUT /api/v1/contacts/{id}'), body: updateContactSchema },
  async ({ caller, params, body }) => {
    await updateContact(caller.projectId, params.id ?? '', body);
    return { body: { success: true } };
  },
);
