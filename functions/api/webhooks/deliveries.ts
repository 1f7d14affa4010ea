import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/parse-query.ts';
import { deliveriesQuerySchema } from '#shared/webhooks/webhook-schema.ts';
import { failedDeliveries } from '#shared/webhooks/webhook-service.ts';
import { deliveryView } from '#shared/webhooks/webhook-view.ts';

/** `GET /api/v1/webhooks/:id/deliveries`: failed deliveries, newest first, to debug an outage. */
export const handler = apiHandler(
  { route: routeOf('GET /api/v1/webhooks/{id}/deliveries') },
  async ({ caller, params, query }) => {
    const { limit } = parseQuery(deliveriesQuerySchema, query);
    const { webhook, deliveries, hasMore } = await failedDeliveries(caller, params.id ?? '', limit);
    return {
      body: { object: 'list', webhook_id: webhook.id, has_more: hasMore, data: deliveries.map(deliveryView) },
    };
  },
);
