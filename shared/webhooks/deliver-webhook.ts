import { version } from '#shared/version.ts';
import type { WebhookMessage } from '#shared/webhooks/publish-event.ts';
import { webhookConfig } from '#shared/webhooks/webhook-config.ts';
import type { WebhookEvent } from '#shared/webhooks/webhook-events.ts';
import { postJson } from '#shared/webhooks/webhook-http.ts';
import { signWebhookBody } from '#shared/webhooks/webhook-signature.ts';
import {
  type Attempt,
  getWebhook,
  type NewDelivery,
  recordAttempt,
  recordOutcome,
} from '#shared/webhooks/webhook-store.ts';

/** The pause before the next attempt, ±10 % so retries of many deliveries spread out. */
function withJitter(seconds: number): number {
  return Math.max(1, Math.round(seconds * (0.9 + Math.random() * 0.2)));
}

/**
 * One attempt at delivering one event to one webhook. A 2xx within 10 seconds is
 * success. Otherwise the attempt is logged and, while the schedule has attempts left,
 * the answer says when to try again (`retryInSeconds`); after the last one the
 * delivery is `failed`, kept for replay. `attempt` counts from 1.
 */
export async function deliverWebhook(
  message: WebhookMessage,
  attempt: number,
): Promise<{ retryInSeconds?: number }> {
  const webhook = await getWebhook(message.webhookId);
  if (!webhook) return {};
  const delivery: NewDelivery = {
    id: message.deliveryId,
    webhookId: webhook.id,
    eventId: message.eventId,
    eventType: message.eventType as WebhookEvent,
    body: message.body,
    createdAt: new Date().toISOString(),
  };
  const log = (outcome: Omit<Attempt, 'at'>) =>
    recordAttempt(delivery, { ...outcome, at: new Date().toISOString() }, attempt === 1);
  if (!webhook.active) {
    await log({ status: 'failed', error: 'Webhook is inactive' });
    return {};
  }

  let error: string;
  try {
    const response = await postJson(
      webhook.url,
      message.body,
      {
        'content-type': 'application/json',
        'user-agent': `Mailroom-Webhooks/${version}`,
        'x-webhook-id': message.eventId,
        'x-webhook-event': message.eventType,
        'x-webhook-signature': signWebhookBody(webhook.secret, message.body),
      },
      webhookConfig(),
    );
    if (response.status >= 200 && response.status < 300) {
      await log({ status: 'succeeded' });
      // A success ends a failure run; most webhooks have none to end.
      if (webhook.consecutiveFailures > 0) {
        await recordOutcome(webhook.id, true, webhookConfig().deactivateAfter, new Date().toISOString());
      }
      return {};
    }
    error = `HTTP ${response.status}${response.body ? `: ${response.body.slice(0, 200)}` : ''}`;
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
  }

  const delay = webhookConfig().retryDelaysSeconds[attempt - 1];
  await log({ status: delay === undefined ? 'failed' : 'pending', error });
  await recordOutcome(webhook.id, false, webhookConfig().deactivateAfter, new Date().toISOString());
  return delay === undefined ? {} : { retryInSeconds: withJitter(delay) };
}
