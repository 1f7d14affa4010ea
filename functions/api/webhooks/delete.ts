import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { removeWebhook } from '#shared/webhooks/webhook-service.ts';

/** `DELETE /api/v1/webhooks/:id`: deliveries stop at once. */
export const handler = apiHandler(
  { route: routeOf('DELETE /api/v1/webhooks/{id}') },
  async ({ caller, params }) => {
    const webhook = await removeWebhook(caller, params.id ?? '');
    return { body: { id: webhook.id, deleted: true } };
  },
);
