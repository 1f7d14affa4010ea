/**
 * Window arithmetic, pure. The per-key limits use the sliding-window counter: the
 * previous fixed window's count, weighted by how much of it still overlaps the
 * sliding window, plus the current window's count.
 */

export interface LimitReport {
  limit: number;
  remaining: number;
  /** Unix seconds when the window has room again. */
  reset: number;
}

/** The fixed window holding `now` (its index) and how far into it `now` is (0 ≤ f < 1). */
export function fixedWindow(
  now: number,
  windowSeconds: number,
): { index: number; elapsed: number; endsAt: number } {
  const width = windowSeconds * 1000;
  const index = Math.floor(now / width);
  return { index, elapsed: (now - index * width) / width, endsAt: (index + 1) * width };
}

/** Requests the previous window still contributes to the sliding window ending now. */
export function carriedOver(previousCount: number, elapsed: number): number {
  return Math.floor(previousCount * (1 - elapsed));
}

/** The most the current window may reach for the sliding total to stay within `limit`. */
export function currentAllowance(limit: number, previousCount: number, elapsed: number): number {
  return Math.max(0, limit - carriedOver(previousCount, elapsed));
}

/** The tightest of several reports: the one with the least room left. */
export function tightest(reports: LimitReport[]): LimitReport | undefined {
  return reports.reduce<LimitReport | undefined>(
    (tight, report) => (!tight || report.remaining < tight.remaining ? report : tight),
    undefined,
  );
}
