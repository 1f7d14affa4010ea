import { describe, expect, it } from 'vitest';
import { type PacerEnvironment, SendBudget } from '#shared/emails/send-rate.ts';

/**
 * A fake clock that runs timers in time order, each firing late by what `lateness` says
 * (a busy process), and an in-memory counter of each second's positions shared by every
 * budget, as the table's is.
 */
function fakePacer(rate: number, lateness: () => number) {
  let now = 1_000_000;
  const timers: { at: number; fire: () => void }[] = [];
  const used = new Map<number, number>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      timers.push({ at: now + Math.max(0, ms) + lateness(), fire: resolve });
    });
  const environment: PacerEnvironment = {
    now: () => now,
    sleep,
    maxSendRate: async () => rate,
    take: async (second, size, ceiling) => {
      // A reservation is a network call: it takes a while, longer under load.
      await sleep(5);
      const taken = used.get(second) ?? 0;
      if (taken + size > ceiling) return undefined;
      used.set(second, taken + size);
      return taken + size;
    },
  };
  /** Runs every timer due, in order, until `done` settles. */
  async function run(done: Promise<unknown>) {
    let finished = false;
    done.finally(() => {
      finished = true;
    });
    while (!finished) {
      await new Promise((resolve) => setImmediate(resolve));
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      if (!next) continue;
      now = Math.max(now, next.at);
      next.fire();
    }
    return done;
  }
  return { environment, run, now: () => now };
}

/** The most sends any window of one second holds, however it falls. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && (sorted[end] as number) < (sorted[start] as number) + 1000) end++;
    most = Math.max(most, end - start);
  }
  return most;
}

/** Several sender invocations at once, each sending its batch one email at a time as its positions come. */
async function sendAll(rate: number, lateness: () => number) {
  const pacer = fakePacer(rate, lateness);
  const sent: number[] = [];
  const invocation = async (emails: number, share: number, startAfter: number) => {
    await pacer.environment.sleep(startAfter);
    const budget = new SendBudget(emails, share, pacer.environment);
    const deadline = pacer.now() + 600_000;
    await Promise.all(
      Array.from({ length: emails }, async () => {
        await budget.acquire(1, deadline);
        sent.push(pacer.now());
      }),
    );
  };
  const all = Promise.all([
    // Campaign senders (their share of each second) and transactional ones, batches arriving over time.
    ...Array.from({ length: 12 }, (_, i) => invocation(10, 0.8, i * 700)),
    ...Array.from({ length: 6 }, (_, i) => invocation(5, 1, i * 1300)),
  ]);
  await pacer.run(all);
  return sent;
}

describe('the per-second send budget', () => {
  it('never lets any one-second window exceed MaxSendRate, on time or under load', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const loads = {
      idle: () => 0,
      // Timers fire up to 300 ms late, and now and then a whole second and a half (a stalled process).
      busy: () => (random() < 0.1 ? 1500 : random() * 300),
    };
    for (const rate of [1, 2, 14]) {
      for (const [load, lateness] of Object.entries(loads)) {
        const sent = await sendAll(rate, lateness);
        expect(sent, `${load} at ${rate}/s`).toHaveLength(150);
        expect(busiestSecond(sent), `${load} at ${rate}/s`).toBeLessThanOrEqual(rate);
      }
    }
  }, 60_000);

  it('still sends at close to the rate when nothing is late', async () => {
    const sent = await sendAll(14, () => 0);
    const seconds = (Math.max(...sent) - Math.min(...sent)) / 1000;
    // 150 emails: at 14 a second less one position in 15, about 11.5 s.
    expect(seconds).toBeLessThan(14);
  }, 60_000);
});
