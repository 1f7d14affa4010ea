import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { projectStats } from '#shared/stats/stats-service.ts';

/** `GET /api/v1/stats`: project counters, reputation rates and the account's status. */
export const handler = apiHandler({ route: routeOf('GET /api/v1/stats') }, async ({ caller }) => ({
  body: await projectStats(caller),
}));
