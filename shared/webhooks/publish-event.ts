import { sendQueueBatch } from '#shared/aws/queue-batch.ts';
import { capabilityEnv } from '#shared/env.ts';
import { newId } from '#shared/ids.ts';
import type { WebhookEvent } from '#shared/webhooks/webhook-events.ts';
import { projectSubscriptions } from '#shared/webhooks/webhook-store.ts';
import * as z from '#shared/zod.ts';

// The webhook worker re-queues nothing itself, so sending is all this needs.
const env = capabilityEnv('webhookQueue:send', { WEBHOOK_QUEUE_URL: z.string().check(z.url()) });

/** The webhook queue's message: one delivery of one event to one webhook. */
export const webhookMessageSchema = z.object({
  webhookId: z.string(),
  deliveryId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  body: z.string(),
  /** A replay of a logged delivery: its outcome always goes to the log. */
  replay: z.optional(z.boolean()),
  /** Attempts made before this message was queued (a delivery moved to the slow lane keeps its count). */
  attemptsBefore: z.optional(z.number().check(z.int(), z.gte(0))),
});

export type WebhookMessage = z.infer<typeof webhookMessageSchema>;

/**
 * The project's active webhooks subscribed to `event`, read fresh for every event (one
 * strongly consistent read): a cache would miss a webhook created, or keep one deleted
 * or paused, for as long as it lived.
 */
export async function subscribers(projectId: string, event: WebhookEvent): Promise<string[]> {
  return subscribedTo(await projectSubscriptions(projectId), event);
}

/** The webhooks of a project's subscriptions that take `event`. */
function subscribedTo(subscriptions: Map<string, WebhookEvent[]>, event: WebhookEvent): string[] {
  return [...subscriptions].filter(([, events]) => events.includes(event)).map(([id]) => id);
}

/** Puts webhook messages on the queue (see `sendQueueBatch`). */
export async function enqueueWebhookMessages(messages: WebhookMessage[], delaySeconds = 0): Promise<void> {
  const refused = await sendQueueBatch(
    env().WEBHOOK_QUEUE_URL,
    messages.map((message) => ({ body: message, delaySeconds })),
  );
  if (refused.length > 0) throw new Error(`Could not queue ${refused.length} webhook deliveries`);
}

/** The queue messages of one event for the webhooks that subscribe to it (sharing its `evt_…` id). */
function messagesOf(webhooks: string[], event: WebhookEvent, data: Record<string, unknown>, at: string) {
  const eventId = newId('event');
  const body = JSON.stringify({ id: eventId, event, timestamp: at, data });
  return webhooks.map((webhookId) => ({
    webhookId,
    deliveryId: newId('webhookDelivery'),
    eventId,
    eventType: event,
    body,
  }));
}

/**
 * Fans an email event out to the project's active webhooks that subscribe to it, one
 * queue message each, so a slow customer endpoint never slows the caller. The event's
 * id (`evt_…`) is the `X-Webhook-Id` every delivery and retry of it carries.
 */
export async function publishEmailEvent(
  projectId: string,
  event: WebhookEvent,
  data: Record<string, unknown>,
  at: string,
  /** The event's subscribers when the caller read them already (alongside its other reads). */
  known?: string[],
): Promise<void> {
  const webhooks = known ?? (await subscribers(projectId, event));
  if (webhooks.length === 0) return;
  await enqueueWebhookMessages(messagesOf(webhooks, event, data, at));
}

/**
 * The webhook events of one worker invocation (a batch of SES events, a batch of
 * sends): each project's registry is read once for the batch, and the messages go to
 * the queue ten to a request when the batch is done.
 */
export class WebhookOutbox {
  private readonly registries = new Map<string, Promise<Map<string, WebhookEvent[]>>>();
  private messages: WebhookMessage[] = [];

  async publish(projectId: string, event: WebhookEvent, data: Record<string, unknown>, at: string) {
    let registry = this.registries.get(projectId);
    if (!registry) {
      registry = projectSubscriptions(projectId);
      this.registries.set(projectId, registry);
      registry.catch(() => this.registries.delete(projectId));
    }
    this.messages.push(...messagesOf(subscribedTo(await registry, event), event, data, at));
  }

  async flush() {
    const messages = this.messages;
    this.messages = [];
    await enqueueWebhookMessages(messages);
  }
}
