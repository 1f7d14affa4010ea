import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { findWebhook } from '#shared/webhooks/webhook-service.ts';
import { webhookView } from '#shared/webhooks/webhook-view.ts';

/** `GET /api/v1/webhooks/:id`. */
export const handler = apiHandler(
  { route: routeOf('GET /api/v1/webhooks/{id}') },
  async ({ caller, params }) => ({
    body: webhookView(await findWebhook(caller, params.id ?? '')),
  }),
);
