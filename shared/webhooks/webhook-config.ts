import { z } from 'zod';
import { readEnv } from '#shared/env.ts';

const env = readEnv({
  /** `true` only in the local runtime: http to loopback, for a receiver on the developer's laptop. */
  WEBHOOK_ALLOW_LOOPBACK: z.enum(['true', 'false']).default('false'),
  /** Seconds to wait after each failed attempt; the attempts are one more than the entries. */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .regex(/^\d+(,\d+)*$/)
    .default('60,300,900,3600,7200,14400,43200'),
  /** Failed attempts in a row after which a webhook is switched off. */
  WEBHOOK_DEACTIVATE_AFTER: z.coerce.number().int().min(1).default(30),
});

/** Webhook delivery settings, read once at cold start. */
export const webhookConfig = {
  allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === 'true',
  /** About 19 hours of waiting over 8 attempts by default, each pause ±10 % jitter. */
  retryDelaysSeconds: env.WEBHOOK_RETRY_SCHEDULE.split(',').map(Number),
  deactivateAfter: env.WEBHOOK_DEACTIVATE_AFTER,
  /** A receiver has this long to answer 2xx. */
  timeoutMs: 10_000,
  /** Response bodies are read at most this far, for the error log. */
  maxResponseBytes: 4096,
  /** Per project. */
  maxWebhooks: 20,
};
