import { afterEach, describe, expect, it, vi } from 'vitest';
import { TtlCache } from '#shared/cache/ttl-cache.ts';

function clock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TtlCache', () => {
  it('keeps an entry for its lifetime, then forgets it', () => {
    const time = clock();
    const cache = new TtlCache<string, number>(() => 5_000, { now: time.now });
    cache.set('a', 1);
    time.advance(4_999);
    expect(cache.get('a')).toEqual({ value: 1 });
    time.advance(1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('reads its lifetime at each lookup, so a shortened setting takes effect at once', () => {
    const time = clock();
    let lifetime = 5_000;
    const cache = new TtlCache<string, number>(() => lifetime, { now: time.now });
    cache.set('a', 1);
    time.advance(1_500);
    lifetime = 1_000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('remembers undefined too: a read that found nothing is not repeated', async () => {
    const cache = new TtlCache<string, Promise<string | undefined>>(() => 5_000);
    const load = vi.fn(async () => undefined);
    await cache.remember('gone', load);
    await cache.remember('gone', load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('shares one pending read between concurrent callers, and reads anew when asked for fresh', async () => {
    const cache = new TtlCache<string, Promise<number>>(() => 5_000);
    let reads = 0;
    const load = async () => ++reads;
    expect(await Promise.all([cache.remember('k', load), cache.remember('k', load)])).toEqual([1, 1]);
    expect(await cache.remember('k', load, { fresh: true })).toBe(2);
    expect(await cache.remember('k', load)).toBe(2);
  });

  it('forgets a read that failed, so the next caller tries again', async () => {
    const cache = new TtlCache<string, Promise<number>>(() => 5_000);
    await expect(cache.remember('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.remember('k', async () => 7)).toBe(7);
  });

  it('says yes once per lifetime to work done at most that often', () => {
    const time = clock();
    const cache = new TtlCache<string, true>(() => 60_000, { now: time.now });
    expect(cache.firstInLifetime('key', true)).toBe(true);
    time.advance(59_999);
    expect(cache.firstInLifetime('key', true)).toBe(false);
    time.advance(1);
    expect(cache.firstInLifetime('key', true)).toBe(true);
  });

  it('starts afresh past its size instead of growing without end', () => {
    const cache = new TtlCache<number, number>(() => 5_000, { maxEntries: 2 });
    cache.set(1, 1);
    cache.set(2, 2);
    cache.set(2, 22);
    expect(cache.get(1)).toEqual({ value: 1 });
    cache.set(3, 3);
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get(3)).toEqual({ value: 3 });
  });
});

describe('settings', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('takes the cache lifetime from CACHE_SECONDS, 5 s when unset', async () => {
    vi.stubEnv('CACHE_SECONDS', undefined);
    expect((await import('#shared/settings.ts')).settings().lifetimes.account).toBe(5_000);
    vi.resetModules();
    vi.stubEnv('CACHE_SECONDS', '1');
    const { lifetimes } = (await import('#shared/settings.ts')).settings();
    expect([lifetimes.account, lifetimes.apiKey, lifetimes.campaign]).toEqual([1_000, 1_000, 1_000]);
    expect(lifetimes.signingKeys).toBe(300_000);
  });

  it('refuses a lifetime out of range, naming the variable', async () => {
    vi.stubEnv('CACHE_SECONDS', '0');
    const { settings } = await import('#shared/settings.ts');
    expect(() => settings()).toThrow(/CACHE_SECONDS/);
  });
});
