import { capabilityEnv } from '#shared/env.ts';
import { logger } from '#shared/logger.ts';
import {
  defaultThresholds,
  judge,
  type ReputationThresholds,
  rates,
} from '#shared/reputation/reputation-policy.ts';
import { windowFigures } from '#shared/reputation/reputation-store.ts';
import { type Account, changeAccountStatus, getAccount } from '#shared/tenancy/tenancy-store.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('settings:reputation', {
  REPUTATION_MINIMUM_SENDS: z.optional(z.coerce.number().check(z.int(), z.gte(0))),
});

/** The deployment's thresholds (stack setting), with the account's own minimum volume when set. */
export function thresholdsFor(account: Account): ReputationThresholds {
  return {
    ...defaultThresholds,
    minimumSends:
      account.reputation?.minimumSends ?? env().REPUTATION_MINIMUM_SENDS ?? defaultThresholds.minimumSends,
  };
}

/**
 * Re-judges an account from its 24-hour window after a bounce or complaint, and moves
 * it to `flagged` or `suspended` when the window says so, recording why.
 */
export async function evaluateReputation(accountId: string, now = Date.now()): Promise<void> {
  const account = await getAccount(accountId);
  if (!account) return;
  const figures = await windowFigures(accountId, now);
  const verdict = judge(account.status, figures, thresholdsFor(account));
  if (!verdict) return;
  const changed = await changeAccountStatus(accountId, {
    from: account.status,
    to: verdict.status,
    reason: verdict.reason,
    by: 'reputation',
    figures: { ...figures, ...rates(figures) },
    at: new Date(now).toISOString(),
  });
  if (changed)
    logger.warn('account status changed by reputation', {
      accountId,
      to: verdict.status,
      reason: verdict.reason,
    });
}
