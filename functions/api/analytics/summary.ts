import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/parse-query.ts';
import { summaryQuerySchema } from '#shared/stats/analytics-schema.ts';
import { analyticsSummary } from '#shared/stats/stats-service.ts';

/** `GET /api/v1/analytics/summary`: sent, delivered, bounced, complained, opened, clicked and rates, per day. */
export const handler = apiHandler(
  { route: routeOf('GET /api/v1/analytics/summary') },
  async ({ caller, query }) => {
    const { from, to } = parseQuery(summaryQuerySchema, query);
    return { body: await analyticsSummary(caller, from, to) };
  },
);
