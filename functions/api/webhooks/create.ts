import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { createWebhookSchema } from '#shared/webhooks/webhook-schema.ts';
import { createWebhook } from '#shared/webhooks/webhook-service.ts';
import { createdWebhookView } from '#shared/webhooks/webhook-view.ts';

/** `POST /api/v1/webhooks`: register an endpoint; the signing secret is shown this once. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/webhooks'), body: createWebhookSchema },
  async ({ caller, body }) => ({ body: createdWebhookView(await createWebhook(caller, body)) }),
);
