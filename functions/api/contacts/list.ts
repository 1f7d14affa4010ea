import { routeOf } from '#functions/api/route-of.ts';
import { listContactsSchema } from '#shared/contacts/contact-schema.ts';
import { pageContacts } from '#shared/contacts/contact-service.ts';
import { contactView } from '#shared/contacts/contact-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/parse-query.ts';

/** `GET /api/v1/contacts?listId&page&pageSize&search&status&cursor`: one page of a list, by address. */
export const handler = apiHandler({ route: routeOf('GET /api/v1/contacts') }, async ({ caller, query }) => {
  const options = parseQuery(listContactsSchema, query);
  const { contacts, total, nextCursor } = await pageContacts(caller.projectId, options);
  return {
    body: {
      contacts: contacts.map(contactView),
      pagination: { total, page: options.page, pageSize: options.pageSize, nextCursor },
    },
  };
});
