import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { updateWebhookSchema } from '#shared/webhooks/webhook-schema.ts';
import { updateWebhook } from '#shared/webhooks/webhook-service.ts';
import { webhookView } from '#shared/webhooks/webhook-view.ts';

/** `PATCH /api/v1/webhooks/:id`: url, events or active. */
export const handler = apiHandler(
  { route: routeOf('PATCH /api/v1/webhooks/{id}'), body: updateWebhookSchema },
  async ({ caller, params, body }) => ({
    body: webhookView(await updateWebhook(caller, params.id ?? '', body)),
  }),
);
