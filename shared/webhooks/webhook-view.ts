import type { DeliveryRecord, WebhookRecord } from '#shared/webhooks/webhook-store.ts';
import type {
  createdWebhookSchema,
  deliveryViewSchema,
  webhookViewSchema,
} from '#shared/webhooks/webhook-view-schema.ts';
import type * as z from '#shared/zod.ts';

export function webhookView(webhook: WebhookRecord): z.infer<typeof webhookViewSchema> {
  return {
    id: webhook.id,
    object: 'webhook',
    url: webhook.url,
    events: webhook.events,
    active: webhook.active,
    ...(webhook.deactivatedReason && !webhook.active
      ? { deactivated_reason: webhook.deactivatedReason }
      : {}),
    created_at: webhook.createdAt,
  };
}

export function createdWebhookView(webhook: WebhookRecord): z.infer<typeof createdWebhookSchema> {
  return { ...webhookView(webhook), secret: webhook.secret, isActive: webhook.active };
}

export function deliveryView(delivery: DeliveryRecord): z.infer<typeof deliveryViewSchema> {
  return {
    id: delivery.id,
    object: 'webhook_delivery',
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status,
    error: delivery.error ?? null,
    attempts: delivery.attempts,
    replay_count: delivery.replayCount,
    last_attempt_at: delivery.lastAttemptAt ?? null,
    created_at: delivery.createdAt,
    resolved_at: delivery.resolvedAt ?? null,
  };
}
