import { webhookEvents } from '#shared/webhooks/webhook-events.ts';
import * as z from '#shared/zod.ts';

/** A webhook as reads show it: never the secret. */
export const webhookViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('webhook'),
  url: z.string(),
  events: z.array(z.enum(webhookEvents)),
  active: z.boolean(),
  /** Why Mailroom turned it off, while it is off. */
  deactivated_reason: z.optional(z.string()),
  created_at: z.string(),
});

/** The creation answer: the only time the secret is shown, since only the receiver should hold it. */
export const createdWebhookSchema = z.strictObject({
  ...webhookViewSchema.shape,
  secret: z.string(),
  isActive: z.boolean(),
});

export const deliveryViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('webhook_delivery'),
  event_id: z.string(),
  event_type: z.enum(webhookEvents),
  status: z.enum(['pending', 'succeeded', 'failed']),
  error: z.nullable(z.string()),
  attempts: z.number(),
  replay_count: z.number(),
  last_attempt_at: z.nullable(z.string()),
  created_at: z.string(),
  resolved_at: z.nullable(z.string()),
});
