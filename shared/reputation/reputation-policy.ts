/**
 * The account reputation state machine (docs/deliverability.md), as pure functions: a sliding 24-hour window
 * of sends, hard bounces and complaints per account, and the status it implies.
 */
import type { AccountStatus } from '#shared/tenancy/tenancy-store.ts';

/** Counters are kept in buckets of this width; the window sums the buckets inside it. */
export const bucketMinutes = 10;
export const windowHours = 24;

export interface ReputationThresholds {
  /** No verdict before this many sends in the window (so three bounces of ten flag nobody). */
  minimumSends: number;
  flagBounceRate: number;
  flagComplaintRate: number;
  /** SES's own review levels: past these the account is suspended. */
  suspendBounceRate: number;
  suspendComplaintRate: number;
}

export const defaultThresholds: ReputationThresholds = {
  minimumSends: 100,
  flagBounceRate: 0.02,
  flagComplaintRate: 0.0005,
  suspendBounceRate: 0.05,
  suspendComplaintRate: 0.001,
};

export interface WindowFigures {
  sends: number;
  bounces: number;
  complaints: number;
}

/** The start (epoch ms) of the bucket holding `time`. */
export function bucketStart(time: number): number {
  const width = bucketMinutes * 60_000;
  return Math.floor(time / width) * width;
}

/**
 * The buckets that make up the window ending at `now`: every bucket that starts after
 * `now - 24h`, so the window spans between 24 hours minus one bucket and 24 hours.
 * A bucket is never half-counted: an event exactly 24 hours old has left the window.
 */
export function windowBuckets(now: number): { first: number; last: number } {
  const last = bucketStart(now);
  const first = bucketStart(now - windowHours * 3_600_000) + bucketMinutes * 60_000;
  return { first, last };
}

export function rates(figures: WindowFigures) {
  return {
    bounceRate: figures.sends === 0 ? 0 : figures.bounces / figures.sends,
    complaintRate: figures.sends === 0 ? 0 : figures.complaints / figures.sends,
  };
}

export interface Verdict {
  status: AccountStatus;
  reason: string;
}

/**
 * What the window says about an account in `current` status. It only ever makes things
 * stricter (active → flagged → suspended); recovering is the operator's decision, and
 * `deactivated` is terminal. Returns undefined when the status stays.
 */
export function judge(
  current: AccountStatus,
  figures: WindowFigures,
  thresholds: ReputationThresholds = defaultThresholds,
): Verdict | undefined {
  if (current === 'deactivated' || current === 'suspended') return undefined;
  if (figures.sends < thresholds.minimumSends) return undefined;
  const { bounceRate, complaintRate } = rates(figures);
  const percent = (rate: number) => `${(rate * 100).toFixed(2)} %`;
  const figuresText = `${figures.sends} sends, ${figures.bounces} hard bounces (${percent(bounceRate)}), ${figures.complaints} complaints (${percent(complaintRate)}) in 24 h`;
  if (bounceRate >= thresholds.suspendBounceRate || complaintRate >= thresholds.suspendComplaintRate) {
    return { status: 'suspended', reason: `Critical reputation: ${figuresText}.` };
  }
  if (
    current === 'active' &&
    (bounceRate >= thresholds.flagBounceRate || complaintRate >= thresholds.flagComplaintRate)
  ) {
    return {
      status: 'flagged',
      reason: `High ${bounceRate >= thresholds.flagBounceRate ? 'bounce' : 'complaint'} rate: ${figuresText}.`,
    };
  }
  return undefined;
}
