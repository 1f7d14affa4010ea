import { capabilityEnv } from '#shared/env.ts';
import { webhookWorker } from '#shared/lambda/webhook-worker.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('slowWebhookQueue:consume', {
  SLOW_WEBHOOK_QUEUE_URL: z.string().check(z.url()),
});

/** The slow lane: deliveries to receivers that answer slowly, on a few workers of their own. */
export const handler = webhookWorker({ queueUrl: () => env().SLOW_WEBHOOK_QUEUE_URL });
