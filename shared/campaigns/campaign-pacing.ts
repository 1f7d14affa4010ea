import { capabilityEnv } from '#shared/env.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('settings:campaignPacing', {
  BULK_SEND_SHARE: z.coerce.number().check(z.gte(0.1), z.lte(1)),
  CAMPAIGN_LOOKAHEAD_SECONDS: z.coerce.number().check(z.int(), z.gte(1)),
});

/** The share of the account's MaxSendRate campaign mail may fill each second. */
export const bulkSendShare = () => env().BULK_SEND_SHARE;

/**
 * How many recipients a campaign may have queued and not yet sent: this many seconds of
 * its share of the rate, so pause and cancel act within about that long and nothing
 * waits hours in the queue.
 */
export function lookaheadRecipients(maxSendRate: number): number {
  const perSecond = Math.max(1, Math.floor(maxSendRate * env().BULK_SEND_SHARE));
  return perSecond * env().CAMPAIGN_LOOKAHEAD_SECONDS;
}
