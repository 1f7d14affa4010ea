import { routeOf } from '#functions/api/route-of.ts';
import { importContactsSchema } from '#shared/contacts/contact-schema.ts';
import { importContacts } from '#shared/contacts/contact-service.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `POST /api/v1/contacts/import`: up to 10,000 rows; existing addresses are skipped, never changed. */
export const handler = apiHandler(
  {
    route: routeOf('POST /api/v1/contacts/import'),
    body: importContactsSchema,
    // 10,000 rows of long addresses and names; a Lambda request takes at most 6 MB.
    maxBodyBytes: 5 * 1024 * 1024,
  },
  async ({ caller, body }) => ({
    body: { success: true, ...(await importContacts(caller.projectId, body)) },
  }),
);
