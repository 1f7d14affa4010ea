import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { replayFailedSince } from '#shared/webhooks/webhook-replay.ts';
import { replaySinceSchema } from '#shared/webhooks/webhook-schema.ts';

/** `POST /api/v1/webhooks/:id/deliveries/replay` `{since}`: replay every failed delivery since then. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/webhooks/{id}/deliveries/replay'), body: replaySinceSchema },
  async ({ caller, params, body }) => ({
    body: await replayFailedSince(caller, params.id ?? '', body.since),
  }),
);
