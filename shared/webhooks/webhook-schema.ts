import { z } from 'zod';
import { webhookEvents } from '#shared/webhooks/webhook-events.ts';

const url = z.string().trim().min(1).max(2048);
const events = z.array(z.enum(webhookEvents)).min(1).max(webhookEvents.length);

/** `POST /api/v1/webhooks`: `{url, events}`. */
export const createWebhookSchema = z.strictObject({ url, events });

/** `PATCH /api/v1/webhooks/:id`: any of url, events, active. */
export const updateWebhookSchema = z
  .strictObject({ url: url.optional(), events: events.optional(), active: z.boolean().optional() })
  .refine((update) => Object.keys(update).length > 0, {
    message: 'send at least one of url, events, active',
  });

/** `POST /api/v1/webhooks/:id/deliveries/replay`: every failed delivery created since `since`. */
export const replaySinceSchema = z.strictObject({ since: z.iso.datetime({ offset: true }) });

/** `GET /api/v1/webhooks/:id/deliveries?limit`. */
export const deliveriesQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) });
