import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/parse-query.ts';
import { bouncesQuerySchema } from '#shared/stats/analytics-schema.ts';
import { listBounces } from '#shared/stats/stats-store.ts';

/** `GET /api/v1/analytics/bounces`: bounce events, newest first, with type, subtype and diagnostic. */
export const handler = apiHandler(
  { route: routeOf('GET /api/v1/analytics/bounces') },
  async ({ caller, query }) => {
    const { limit, cursor } = parseQuery(bouncesQuerySchema, query);
    const page = await listBounces(caller.projectId, limit, cursor);
    return {
      body: {
        object: 'list',
        data: page.bounces.map((bounce) => ({
          email_id: bounce.emailId,
          recipient: bounce.recipient,
          type: bounce.bounceType,
          subtype: bounce.bounceSubType,
          // Hard bounces are permanent; SES reports soft ones as Transient.
          category:
            bounce.bounceType === 'Permanent'
              ? 'hard'
              : bounce.bounceType === 'Transient'
                ? 'soft'
                : 'undetermined',
          diagnostic: bounce.diagnosticCode ?? null,
          created_at: bounce.at,
        })),
        has_more: page.nextCursor !== null,
        next_cursor: page.nextCursor,
      },
    };
  },
);
