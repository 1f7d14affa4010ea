import { routeOf } from '#functions/api/route-of.ts';
import { listEmails } from '#shared/emails/email-list.ts';
import { emailView } from '#shared/emails/email-view.ts';
import { emailCursor, listEmailsSchema } from '#shared/emails/list-emails-schema.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/parse-query.ts';
import { idBoundAt } from '#shared/ids.ts';

/** `GET /api/v1/emails`: the project's emails, a page at a time, with filters and the total. */
export const handler = apiHandler({ route: routeOf('GET /api/v1/emails') }, async ({ caller, query }) => {
  const filters = parseQuery(listEmailsSchema, query);
  const page = await listEmails({
    projectId: caller.projectId,
    limit: filters.limit,
    order: filters.order,
    startingAfter: filters.startingAfter,
    status: filters.status,
    domain: filters.domain,
    tag: filters.tag,
    fromId: filters.from ? idBoundAt('email', Date.parse(filters.from), 'first') : undefined,
    toId: filters.to ? idBoundAt('email', Date.parse(filters.to), 'last') : undefined,
  });
  const last = page.emails.at(-1);
  return {
    body: {
      emails: page.emails.map(emailView),
      total: page.total,
      has_more: page.hasMore,
      next_cursor: emailCursor.after(last?.id, page.hasMore),
    },
  };
});
