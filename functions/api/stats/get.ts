import { apiHandler } from '#shared/http/api-handler.ts';
import { projectStats } from '#shared/stats/stats-service.ts';

/** `GET /api/v1/stats`: project counters, reputation rates and the account's status. */
export const handler = apiHandler({ scope: 'stats.read' }, async ({ caller }) => ({
  body: await projectStats(caller),
}));
