import type { PausedReason } from '#shared/campaigns/campaign-lifecycle.ts';

/**
 * When a campaign's own mail says its list is unhealthy: after its first 1,000 sends, a
 * bounce rate of 5 % or a complaint rate of 0.1 % (the rates at which SES starts
 * reviewing an account). Pausing then keeps one bad list from getting the whole account
 * flagged; the caller can clean the list and resume.
 */
export const healthPolicy = { minimumSends: 1000, bounceRate: 0.05, complaintRate: 0.001 } as const;

/** The reason to pause a campaign with these figures, or undefined while it is healthy. */
export function unhealthyReason(figures: {
  sent: number;
  bounced: number;
  complained: number;
}): PausedReason | undefined {
  if (figures.sent < healthPolicy.minimumSends) return undefined;
  if (figures.complained / figures.sent >= healthPolicy.complaintRate) return 'complaint_rate';
  if (figures.bounced / figures.sent >= healthPolicy.bounceRate) return 'bounce_rate';
  return undefined;
}
