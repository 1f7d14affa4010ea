import { capabilityEnv } from '#shared/env.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('settings:webhookDelivery', {
  /** `true` only in the local runtime: http to loopback, for a receiver on the developer's laptop. */
  WEBHOOK_ALLOW_LOOPBACK: z._default(z.enum(['true', 'false']), 'false'),
  /** Seconds to wait after each failed attempt; the attempts are one more than the entries. */
  WEBHOOK_RETRY_SCHEDULE: z._default(
    z.string().check(z.regex(/^\d+(,\d+)*$/)),
    '60,300,900,3600,7200,14400,43200',
  ),
  /** Failed attempts in a row after which a webhook is switched off. */
  WEBHOOK_DEACTIVATE_AFTER: z._default(z.coerce.number().check(z.int(), z.gte(1)), 30),
});

/** Webhook delivery settings, read at first use. */
export const webhookConfig = () => ({
  allowLoopback: env().WEBHOOK_ALLOW_LOOPBACK === 'true',
  /** About 19 hours of waiting over 8 attempts by default, each pause ±10 % jitter. */
  retryDelaysSeconds: env().WEBHOOK_RETRY_SCHEDULE.split(',').map(Number),
  deactivateAfter: env().WEBHOOK_DEACTIVATE_AFTER,
  /** A receiver has this long to answer 2xx. */
  timeoutMs: 10_000,
  /** Response bodies are read at most this far, for the error log. */
  maxResponseBytes: 4096,
  /** Per project. */
  maxWebhooks: 20,
  /** A receiver that takes longer than this to answer is slow… */
  slowAnswerMs: 1000,
  /** …and its deliveries go through the slow lane for this long after its last slow answer (see `WebhookRecord.slowUntil`). */
  slowForMs: 10 * 60_000,
});
