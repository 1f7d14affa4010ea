import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { replayDelivery } from '#shared/webhooks/webhook-replay.ts';
import { deliveryView } from '#shared/webhooks/webhook-view.ts';

/** `POST /api/v1/webhooks/:id/deliveries/:deliveryId/replay`: send a failed delivery again. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/replay') },
  async ({ caller, params }) => ({
    body: deliveryView(await replayDelivery(caller, params.id ?? '', params.deliveryId ?? '')),
  }),
);
