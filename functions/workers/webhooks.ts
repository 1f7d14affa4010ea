import { capabilityEnv } from '#shared/env.ts';
import { webhookWorker } from '#shared/lambda/webhook-worker.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('webhookQueue:consume', { WEBHOOK_QUEUE_URL: z.string().check(z.url()) });
const slowLane = capabilityEnv('slowWebhookQueue:send', {
  SLOW_WEBHOOK_QUEUE_URL: z.string().check(z.url()),
});

/** The main lane: every delivery, except those of receivers marked slow, which it hands to the slow lane. */
export const handler = webhookWorker({
  queueUrl: () => env().WEBHOOK_QUEUE_URL,
  slowLaneUrl: () => slowLane().SLOW_WEBHOOK_QUEUE_URL,
});
