import { jittered } from '#shared/retry/backoff.ts';
import { version } from '#shared/version.ts';
import type { WebhookMessage } from '#shared/webhooks/publish-event.ts';
import { webhookConfig } from '#shared/webhooks/webhook-config.ts';
import type { WebhookEvent } from '#shared/webhooks/webhook-events.ts';
import { postJson } from '#shared/webhooks/webhook-http.ts';
import { signWebhookBody } from '#shared/webhooks/webhook-signature.ts';
import {
  type Attempt,
  claimProbe,
  markSlow,
  type NewDelivery,
  recordAttempt,
  recordOutcome,
  type WebhookRecord,
} from '#shared/webhooks/webhook-store.ts';

/** The pause before the next attempt, ±10 % so retries of many deliveries spread out. */
const withJitter = (seconds: number) => Math.max(1, Math.round(jittered(seconds, 0.1)));

/** Whether this delivery may try an unresponsive receiver again: its pause is over and it won the probe. */
async function mayProbe(webhookId: string, pausedUntil: string): Promise<boolean> {
  if (Date.parse(pausedUntil) > Date.now()) return false;
  const probeWindow = new Date(Date.now() + webhookConfig().timeoutMs + 1000).toISOString();
  return claimProbe(webhookId, pausedUntil, probeWindow);
}

/** Marks a receiver that answered slowly as slow (written again only once half its slow period has passed). */
async function noteSlowness(webhook: WebhookRecord, answeredInMs: number): Promise<void> {
  const { slowAnswerMs, slowForMs } = webhookConfig();
  if (answeredInMs <= slowAnswerMs) return;
  const now = Date.now();
  if (webhook.slowUntil && Date.parse(webhook.slowUntil) > now + slowForMs / 2) return;
  // Noted on the batch's copy too, so its other deliveries to this receiver write nothing.
  webhook.slowUntil = new Date(now + slowForMs).toISOString();
  await markSlow(webhook.id, webhook.slowUntil);
}

/** Whether the webhook's deliveries take the slow lane now. */
export const isSlow = (webhook: WebhookRecord) =>
  webhook.slowUntil !== undefined && Date.parse(webhook.slowUntil) > Date.now();

/**
 * One attempt at delivering one event to one webhook. A 2xx within 10 seconds is
 * success. Otherwise the attempt is logged and, while the schedule has attempts left,
 * the answer says when to try again (`retryInSeconds`); after the last one the
 * delivery is `failed`, kept for replay. `attempt` counts from 1. An answer slower than
 * `slowAnswerMs` marks the receiver slow (its next deliveries take the slow lane).
 */
export async function deliverWebhook(
  message: WebhookMessage,
  attempt: number,
  webhook: WebhookRecord | undefined,
): Promise<{ retryInSeconds?: number }> {
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
  const delay = webhookConfig().retryDelaysSeconds[attempt - 1];
  if (webhook.unresponsiveUntil && !(await mayProbe(webhook.id, webhook.unresponsiveUntil))) {
    // The receiver did not answer lately: this delivery waits its turn in the schedule
    // instead of holding a worker for another timeout.
    await log({
      status: delay === undefined ? 'failed' : 'pending',
      error: 'Not attempted: the receiver did not answer a recent attempt',
    });
    const pausedFor = (Date.parse(webhook.unresponsiveUntil) - Date.now()) / 1000;
    return delay === undefined ? {} : { retryInSeconds: withJitter(Math.max(delay, pausedFor)) };
  }

  let error: string;
  let answered = false;
  const startedAt = Date.now();
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
    await noteSlowness(webhook, Date.now() - startedAt);
    if (response.status >= 200 && response.status < 300) {
      // The log is for what went wrong (failed deliveries, listed and replayed): a first
      // attempt that succeeds leaves no record, which saves a write per event; a retry
      // or a replay closes the record it came from.
      if (attempt > 1 || message.replay) await log({ status: 'succeeded' });
      // A success ends a failure run; most webhooks have none to end.
      if (webhook.consecutiveFailures > 0) {
        await recordOutcome(webhook.id, true, webhookConfig().deactivateAfter, new Date().toISOString());
      }
      return {};
    }
    answered = true;
    error = `HTTP ${response.status}${response.body ? `: ${response.body.slice(0, 200)}` : ''}`;
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
  }

  await log({ status: delay === undefined ? 'failed' : 'pending', error });
  // No answer at all (timeout, refused connection): the webhook's other deliveries wait
  // until this one's next attempt rather than each waiting out a timeout of its own.
  const pause =
    answered || delay === undefined ? undefined : new Date(Date.now() + delay * 1000).toISOString();
  await recordOutcome(webhook.id, false, webhookConfig().deactivateAfter, new Date().toISOString(), pause);
  return delay === undefined ? {} : { retryInSeconds: withJitter(delay) };
}
