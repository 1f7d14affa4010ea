import { describe, expect, it } from 'vitest';
import { backoffMs, jittered, untilAllTaken, withRetries } from '#shared/retry/backoff.ts';
import type { RetryPolicy } from '#shared/settings.ts';

const policy: RetryPolicy = { attempts: 4, baseMs: 25, maxMs: 1000, jitter: 1 };
const noPause = async () => undefined;

describe('backoff', () => {
  it('grows exponentially up to its ceiling, the jitter share drawn at random', () => {
    expect([1, 2, 3, 10].map((attempt) => backoffMs(policy, attempt, () => 1))).toEqual([50, 100, 200, 1000]);
    expect(backoffMs(policy, 3, () => 0)).toBe(0);
    const quarter = { ...policy, jitter: 0.25 };
    expect(backoffMs(quarter, 3, () => 0)).toBe(150);
    expect(backoffMs(quarter, 3, () => 1)).toBe(200);
  });

  it('spreads a fixed pause by its share either way', () => {
    expect(jittered(10, 0.1, () => 0)).toBeCloseTo(9);
    expect(jittered(10, 0.1, () => 1)).toBeCloseTo(11);
  });

  it('retries what may pass with growing pauses, at most its attempts, then throws the last error', async () => {
    const pauses: number[] = [];
    let tries = 0;
    const failing = withRetries(
      policy,
      async () => {
        tries += 1;
        throw new Error(`try ${tries}`);
      },
      () => true,
      async (ms) => pauses.push(ms),
    );
    await expect(failing).rejects.toThrow('try 4');
    expect(tries).toBe(4);
    expect(pauses).toHaveLength(3);
  });

  it('answers the first success, and never retries an error that cannot pass', async () => {
    expect(
      await withRetries(
        policy,
        async (attempt) => (attempt < 3 ? Promise.reject(new Error('x')) : attempt),
        () => true,
        noPause,
      ),
    ).toBe(3);
    let tries = 0;
    const refused = withRetries(
      policy,
      async () => {
        tries += 1;
        throw new Error('bad input');
      },
      () => false,
      noPause,
    );
    await expect(refused).rejects.toThrow('bad input');
    expect(tries).toBe(1);
  });

  it('sends again only what a batch left, until none is left or the attempts are spent', async () => {
    const sent: number[][] = [];
    const left = await untilAllTaken(
      policy,
      [1, 2, 3],
      async (pending) => {
        sent.push(pending);
        return pending.filter((item) => item === 3 || (item === 2 && sent.length < 2));
      },
      noPause,
    );
    expect(sent).toEqual([[1, 2, 3], [2, 3], [3], [3]]);
    expect(left).toEqual([3]);
  });
});
