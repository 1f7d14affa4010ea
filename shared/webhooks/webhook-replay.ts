import type { Principal } from '#shared/auth/principal.ts';
import { ConflictError, NotFoundError } from '#shared/errors.ts';
import { isId } from '#shared/ids.ts';
import { enqueueWebhookMessages } from '#shared/webhooks/publish-event.ts';
import { findWebhook } from '#shared/webhooks/webhook-service.ts';
import {
  type DeliveryRecord,
  getDelivery,
  listDeliveries,
  markReplayed,
} from '#shared/webhooks/webhook-store.ts';

async function replay(delivery: DeliveryRecord): Promise<void> {
  await markReplayed(delivery.webhookId, delivery.id);
  await enqueueWebhookMessages([
    {
      webhookId: delivery.webhookId,
      deliveryId: delivery.id,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      body: delivery.body,
      replay: true,
    },
  ]);
}

/** Sends a failed delivery again: the same body, signature and `X-Webhook-Id`. */
export async function replayDelivery(caller: Principal, webhookId: string, deliveryId: string) {
  const webhook = await findWebhook(caller, webhookId);
  const delivery = isId('webhookDelivery', deliveryId)
    ? await getDelivery(webhook.id, deliveryId)
    : undefined;
  if (!delivery) throw new NotFoundError('Delivery');
  if (delivery.status !== 'failed') throw new ConflictError('Only a failed delivery can be replayed.');
  await replay(delivery);
  return { ...delivery, status: 'pending' as const, replayCount: delivery.replayCount + 1 };
}

/** Replays every failed delivery of the webhook created since `since` (at most 1,000 a call). */
export async function replayFailedSince(caller: Principal, webhookId: string, since: string) {
  const webhook = await findWebhook(caller, webhookId);
  const { deliveries } = await listDeliveries(webhook.id, 'failed', 1000, since);
  for (const delivery of deliveries) await replay(delivery);
  return { webhook_id: webhook.id, replayed: deliveries.length };
}
