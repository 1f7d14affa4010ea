import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { listWebhooks } from '#shared/webhooks/webhook-service.ts';
import { webhookView } from '#shared/webhooks/webhook-view.ts';

/** `GET /api/v1/webhooks`. */
export const handler = apiHandler({ route: routeOf('GET /api/v1/webhooks') }, async ({ caller }) => ({
  body: { object: 'list', data: (await listWebhooks(caller)).map(webhookView) },
}));
