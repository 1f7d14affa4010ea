import type { RetryPolicy } from '#shared/settings.ts';

/**
 * The pause before try number `attempt + 1`, after `attempt` failed tries (1 or more):
 * exponential (`baseMs · 2^attempt`, at most `maxMs`), of which the `jitter` share is
 * drawn at random, so many callers that failed together do not come back together.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return ceiling * (1 - policy.jitter + policy.jitter * random());
}

/** `ms` give or take `spread` of it (0.1: ±10 %), to spread a fixed schedule's retries. */
export function jittered(ms: number, spread: number, random: () => number = Math.random): number {
  return ms * (1 - spread + 2 * spread * random());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `run` until it succeeds, retrying errors `retryable` accepts after a backoff
 * pause, at most `policy.attempts` tries in all; the last error (or one not retryable)
 * is thrown. `run` learns which try it is (1-based).
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  run: (attempt: number) => Promise<T>,
  retryable: (error: unknown) => boolean,
  pause: (ms: number) => Promise<unknown> = sleep,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !retryable(error)) throw error;
      await pause(backoffMs(policy, attempt));
    }
  }
}

/**
 * Sends `items` with `send`, which answers those still to be sent (the ones a batch call
 * left unprocessed), again after a backoff pause, until none remain or `policy.attempts`
 * calls were made; answers what remains then (empty when all went through).
 */
export async function untilAllTaken<T>(
  policy: RetryPolicy,
  items: T[],
  send: (pending: T[]) => Promise<T[]>,
  pause: (ms: number) => Promise<unknown> = sleep,
): Promise<T[]> {
  let pending = items;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    pending = await send(pending);
    if (pending.length === 0 || attempt >= policy.attempts) return pending;
    await pause(backoffMs(policy, attempt));
  }
  return pending;
}
