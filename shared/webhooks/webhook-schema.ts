import { webhookEvents } from '#shared/webhooks/webhook-events.ts';
import * as z from '#shared/zod.ts';

const url = z.string().check(z.trim(), z.minLength(1), z.maxLength(2048));
const events = z.array(z.enum(webhookEvents)).check(z.minLength(1), z.maxLength(webhookEvents.length));

/** `POST /api/v1/webhooks`: `{url, events}`. */
export const createWebhookSchema = z.strictObject({ url, events });

/** `PATCH /api/v1/webhooks/:id`: any of url, events, active. */
export const updateWebhookSchema = z
  .strictObject({ url: z.optional(url), events: z.optional(events), active: z.optional(z.boolean()) })
  .check(
    z.refine((update) => Object.keys(update).length > 0, {
      message: 'send at least one of url, events, active',
    }),
  );

/** `POST /api/v1/webhooks/:id/deliveries/replay`: every failed delivery created since `since`. */
export const replaySinceSchema = z.strictObject({ since: z.iso.datetime({ offset: true }) });

/** `GET /api/v1/webhooks/:id/deliveries?limit`. */
export const deliveriesQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
});
