import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/parse-query.ts';
import { listSuppressionsSchema, suppressionCursor } from '#shared/suppressions/suppression-schema.ts';
import { listSuppressions } from '#shared/suppressions/suppression-store.ts';
import { suppressionView } from '#shared/suppressions/suppression-view.ts';

/** `GET /api/v1/suppressions`: the project's suppression list, by address, with a type filter. */
export const handler = apiHandler(
  { route: routeOf('GET /api/v1/suppressions') },
  async ({ caller, query }) => {
    const options = parseQuery(listSuppressionsSchema, query);
    const page = await listSuppressions(caller.projectId, options);
    const last = page.suppressions.at(-1);
    return {
      body: {
        object: 'list',
        data: page.suppressions.map(suppressionView),
        has_more: page.hasMore,
        next_cursor: suppressionCursor.after(last?.email, page.hasMore),
      },
    };
  },
);
