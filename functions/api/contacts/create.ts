import { routeOf } from '#functions/api/route-of.ts';
import { createContactSchema } from '#shared/contacts/contact-schema.ts';
import { createContact } from '#shared/contacts/contact-service.ts';
import { createdContactView } from '#shared/contacts/contact-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `POST /api/v1/contacts`: add an address to a list (409 if it is there already). */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/contacts'), body: createContactSchema },
  async ({ caller, body }) => ({ body: createdContactView(await createContact(caller.projectId, body)) }),
);
