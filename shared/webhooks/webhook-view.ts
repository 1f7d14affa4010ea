import type { DeliveryRecord, WebhookRecord } from '#shared/webhooks/webhook-store.ts';

/** A webhook as reads show it: never the secret. */
export function webhookView(webhook: WebhookRecord) {
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

/** The creation answer (AutoRelay): the only time the secret is shown. */
export function createdWebhookView(webhook: WebhookRecord) {
  return { ...webhookView(webhook), secret: webhook.secret, isActive: webhook.active };
}

export function deliveryView(delivery: DeliveryRecord) {
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
